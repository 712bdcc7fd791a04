'use client';

import { CheckOutlined, CopyOutlined } from '@ant-design/icons';
import { App, Button, Tooltip } from 'antd';
import { useState } from 'react';

/** Puts `text` on the clipboard; where the Clipboard API is refused (a plain-http address), a hidden textarea does it. */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('The browser refused to copy.');
}

/**
 * The one copy button (ui.md): a generated secret, delivery ids, payloads and the verify snippets. `label`
 * names what is copied ("Copy the secret"), so that two copy buttons on a page never share a name.
 */
export function CopyButton({
  text,
  label,
  size = 'small',
  disabled,
}: {
  text: string | (() => string);
  label: string;
  size?: 'small' | 'middle';
  disabled?: boolean;
}) {
  const { message } = App.useApp();
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await copyText(typeof text === 'function' ? text() : text);
      setCopied(true);
      message.success('Copied to the clipboard.');
      setTimeout(() => setCopied(false), 2000);
    } catch (error) {
      message.error(error instanceof Error ? error.message : String(error));
    }
  }
  return (
    <Tooltip title={label}>
      <Button
        size={size}
        icon={copied ? <CheckOutlined /> : <CopyOutlined />}
        aria-label={label}
        onClick={copy}
        disabled={disabled}
        data-testid="copy-button"
      />
    </Tooltip>
  );
}
