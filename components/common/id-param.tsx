import { Result } from 'antd';
import type { ReactNode } from 'react';

/** A route's numeric id, or the not-found page for anything else. */
export function WithId({ raw, children }: { raw: string; children: (id: number) => ReactNode }) {
  const id = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id < 1 || id > 2147483647) return <Result status="404" title="Not found" />;
  return <>{children(id)}</>;
}
