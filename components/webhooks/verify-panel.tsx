'use client';

import { Collapse, Tabs, Typography } from 'antd';
import styles from './webhooks.module.css';
import { CopyButton } from '@/components/common/copy-button';

const NODE = `// receiver.mjs: WEBHOOK_SECRET=... node receiver.mjs
import crypto from 'node:crypto';
import http from 'node:http';

const secret = process.env.WEBHOOK_SECRET; // the webhook's secret, as typed or generated

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks); // the raw bytes: sign before any JSON parsing
    const expected = Buffer.from('sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex'));
    const received = Buffer.from(req.headers['x-signature-256'] ?? '');
    if (received.length !== expected.length || !crypto.timingSafeEqual(received, expected)) {
      res.writeHead(403).end('Invalid signature');
      return;
    }
    const payload = JSON.parse(body);
    console.log(payload.event, req.headers['webhook-id']); // webhook-id: drop duplicates with it
    res.writeHead(200).end('Valid signature');
  });
}).listen(5000);`;

const PYTHON = `# webhook_receiver.py: the receiver of CVAT's documentation works unchanged
import hmac
from hashlib import sha256
from flask import Flask, request

app = Flask(__name__)

@app.route("/webhook", methods=["POST"])
def webhook():
    secret = "mykey".encode("utf-8")
    received_signature = request.headers.get("X-Signature-256", "")
    expected_signature = "sha256=" + hmac.new(secret, request.data, digestmod=sha256).hexdigest()
    if hmac.compare_digest(received_signature, expected_signature):
        return app.response_class(status=200, response="Valid signature")
    return app.response_class(status=403, response="Invalid Signature")

if __name__ == "__main__":
    app.run(port=5000)`;

function Snippet({ code, language }: { code: string; language: string }) {
  return (
    <div style={{ position: 'relative' }}>
      <div style={{ position: 'absolute', top: 6, right: 6 }}>
        <CopyButton text={code} label={`Copy the ${language} snippet`} />
      </div>
      <pre className={styles.code}>{code}</pre>
    </div>
  );
}

/** How a receiver checks that a request comes from Herald: X-Signature-256, and Standard Webhooks. */
export function VerifyPanel() {
  return (
    <Collapse
      items={[
        {
          key: 'verify',
          label: 'How to verify a delivery',
          children: (
            <>
              <Typography.Paragraph>
                When the webhook has a secret, every request carries{' '}
                <code>X-Signature-256: sha256=&lt;hex&gt;</code>: the HMAC-SHA256 of the raw request body,
                keyed with the secret (its UTF-8 bytes). Compute it over the bytes you received, before
                parsing the JSON, and compare in constant time.
              </Typography.Paragraph>
              <Tabs
                size="small"
                items={[
                  { key: 'node', label: 'Node', children: <Snippet code={NODE} language="Node" /> },
                  {
                    key: 'python',
                    label: 'Python (Flask)',
                    children: <Snippet code={PYTHON} language="Python" />,
                  },
                ]}
              />
              <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }}>
                Herald also sends the{' '}
                <a href="https://www.standardwebhooks.com/" target="_blank" rel="noreferrer">
                  Standard Webhooks
                </a>{' '}
                headers, so their libraries work too: <code>webhook-id</code> (the same on every attempt of
                one event: use it to drop duplicates), <code>webhook-timestamp</code> (Unix seconds: refuse
                old ones) and <code>webhook-signature: v1,&lt;base64&gt;</code>, the HMAC-SHA256 of{' '}
                <code>id.timestamp.body</code> keyed with the bytes after <code>whsec_</code> of a generated
                secret (otherwise the secret&apos;s UTF-8 bytes). During a secret rotation both signatures are
                listed.
              </Typography.Paragraph>
            </>
          ),
        },
      ]}
    />
  );
}
