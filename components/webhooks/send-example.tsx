'use client';

import { ExperimentOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Modal, Select, Typography } from 'antd';
import { useState } from 'react';
import type { Delivery, Webhook } from '@/lib/client/webhooks';
import { eventsFor } from '@/lib/webhooks/events';
import { useSendExample } from './hooks';

/**
 * "Send example" beside Ping: any event the webhook's type allows, subscribed or not, is sent with its
 * catalog example (trigger `test`) within the request, and the answer is shown here.
 */
export function SendExampleButton({ webhook }: { webhook: Webhook }) {
  const events = eventsFor(webhook.type);
  const [open, setOpen] = useState(false);
  const [event, setEvent] = useState<string>(webhook.events[0] ?? events[0].key);
  const [result, setResult] = useState<Delivery | null>(null);
  const [error, setError] = useState<string | null>(null);
  const send = useSendExample();
  const description = events.find((e) => e.key === event)?.description;

  async function doSend() {
    setError(null);
    setResult(null);
    try {
      setResult(await send.mutateAsync({ id: webhook.id, event }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <>
      <Button icon={<ExperimentOutlined />} onClick={() => setOpen(true)}>
        Send example
      </Button>
      <Modal
        title="Send an example event"
        open={open}
        onCancel={() => setOpen(false)}
        footer={[
          <Button key="close" onClick={() => setOpen(false)}>
            Close
          </Button>,
          <Button key="send" type="primary" loading={send.isPending} onClick={doSend}>
            Send
          </Button>,
        ]}
      >
        <Flex vertical gap={12}>
          <Typography.Text type="secondary">
            The event&apos;s example payload is sent now, marked as a test, whether or not the webhook
            subscribes to it.
          </Typography.Text>
          <Select
            aria-label="Event to send"
            value={event}
            onChange={(v) => {
              setEvent(v);
              setResult(null);
            }}
            showSearch
            options={events.map((e) => ({ value: e.key, label: e.key }))}
            style={{ width: '100%' }}
          />
          {description && <Typography.Text>{description}</Typography.Text>}
          {error && <Alert type="error" showIcon title={error} />}
          {result && (
            <Alert
              type={result.state === 'delivered' ? 'success' : 'warning'}
              showIcon
              data-testid="example-result"
              title={`${result.event}: ${result.state}${result.status_code !== null ? ` (${result.status_code})` : ''}${result.request_duration !== null ? ` in ${result.request_duration} ms` : ''}`}
              description={
                result.response ? (
                  <Typography.Paragraph ellipsis={{ rows: 3 }} style={{ marginBottom: 0 }} code>
                    {result.response}
                  </Typography.Paragraph>
                ) : undefined
              }
            />
          )}
        </Flex>
      </Modal>
    </>
  );
}
