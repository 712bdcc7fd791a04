'use client';

import { Select, Tag } from 'antd';
import type { Label } from '@/lib/client/types';

/** Label names typed as tags: Enter or comma adds one. */
export function LabelsInput({
  value,
  onChange,
  id,
}: {
  value?: string[];
  onChange?: (v: string[]) => void;
  id?: string;
}) {
  return (
    <Select
      id={id}
      mode="tags"
      value={value}
      onChange={(v: string[]) => onChange?.([...new Set(v.map((s) => s.trim()).filter(Boolean))])}
      tokenSeparators={[',']}
      placeholder="Type a label and press Enter"
      // No menu: Enter (or a comma) turns what was typed into a label, and nothing covers the dialog's buttons.
      open={false}
      suffixIcon={null}
      aria-label="Labels"
    />
  );
}

export function LabelTags({ labels, max = 6 }: { labels: Label[]; max?: number }) {
  if (labels.length === 0) return <span style={{ color: '#8c8c8c' }}>No labels</span>;
  const shown = labels.slice(0, max);
  return (
    <span style={{ display: 'inline-flex', flexWrap: 'wrap', gap: 4 }}>
      {shown.map((l) => (
        <Tag key={l.id} color={l.color} style={{ color: '#1f1f1f', marginInlineEnd: 0 }}>
          {l.name}
        </Tag>
      ))}
      {labels.length > max && <Tag style={{ marginInlineEnd: 0 }}>+{labels.length - max}</Tag>}
    </span>
  );
}
