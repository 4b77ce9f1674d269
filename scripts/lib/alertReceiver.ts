// An Alertmanager's API as the tests' cluster receiver: nginx (the image every node already has)
// taking vmalert's POSTs to /api/v2/alerts and writing each request's body to its stdout, one JSON
// line per request (`kubectl logs` reads them back). nginx fills $request_body only for a request it
// passes on, so the alerts go on to a location of its own that answers 200.
import { KubeObject } from "./schema";

export const ALERT_RECEIVER = { name: "alert-receiver", port: 8080 } as const;

/** nginx's server for the receiver (a conf.d file: inside nginx.conf's http block). */
export const ALERT_RECEIVER_CONF = `log_format alert_bodies escape=json '{"body":"$request_body"}';
server {
    listen ${ALERT_RECEIVER.port};
    client_body_buffer_size 1m;
    client_max_body_size 1m;
    location = /api/v2/alerts {
        access_log /dev/stdout alert_bodies;
        proxy_pass http://127.0.0.1:${ALERT_RECEIVER.port}/accepted;
    }
    location = /accepted {
        access_log off;
        return 200;
    }
    location / {
        return 404;
    }
}
`;

/** The receiver's ConfigMap, Pod and Service (`http://alert-receiver:8080`, vmalert's notifierUrl). */
export function alertReceiverObjects(nginxImage: string): KubeObject[] {
    const labels = { "app.kubernetes.io/name": ALERT_RECEIVER.name };
    return [
        {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: `${ALERT_RECEIVER.name}-conf` },
            data: { "default.conf": ALERT_RECEIVER_CONF },
        } as KubeObject,
        {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: ALERT_RECEIVER.name, labels },
            spec: {
                containers: [
                    {
                        name: "receiver",
                        image: nginxImage,
                        imagePullPolicy: "IfNotPresent",
                        command: ["nginx", "-g", "daemon off;"],
                        ports: [{ name: "http", containerPort: ALERT_RECEIVER.port }],
                        volumeMounts: [{ name: "conf", mountPath: "/etc/nginx/conf.d", readOnly: true }],
                    },
                ],
                volumes: [{ name: "conf", configMap: { name: `${ALERT_RECEIVER.name}-conf` } }],
            },
        } as KubeObject,
        {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: ALERT_RECEIVER.name },
            spec: { selector: labels, ports: [{ name: "http", port: ALERT_RECEIVER.port, targetPort: "http" }] },
        } as KubeObject,
    ];
}

/** An alert as Alertmanager's API v2 takes it (the fields the tests read). */
export interface ReceivedAlert {
    labels: Record<string, string>;
    annotations: Record<string, string>;
}

/** Every request the receiver logged, each the array of alerts it carried; nginx's own lines are skipped. */
export function receivedAlerts(log: string): ReceivedAlert[][] {
    const posts: ReceivedAlert[][] = [];
    // One access-log line per request; matched wherever it stands (a log reader may join stdout's
    // and stderr's lines).
    for (const [line] of log.matchAll(/\{"body":"(?:[^"\\]|\\.)*"\}/g)) {
        const body = (JSON.parse(line) as { body: string }).body;
        if (body !== "") posts.push(JSON.parse(body) as ReceivedAlert[]);
    }
    return posts;
}
