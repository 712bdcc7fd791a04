'use client';

import { Tooltip } from 'antd';
import { cloneElement, isValidElement, type ReactElement, type ReactNode } from 'react';
import type { Permission } from '@/lib/client/permissions';

/**
 * The one way a control follows permissions (ui.md): allowed, it is shown as is; refused, it is shown
 * disabled with the reason in a tooltip (and as text for screen readers), or left out with `hide`.
 */
export function Guarded({
  permission,
  hide = false,
  children,
}: {
  permission: Permission;
  hide?: boolean;
  children: ReactElement<{ disabled?: boolean }>;
}): ReactNode {
  if (permission.allowed) return children;
  if (hide || !isValidElement(children)) return null;
  const reason = permission.reason ?? 'You may not do this.';
  return (
    <Tooltip title={reason}>
      {/* A disabled button takes no pointer events: the wrapper shows the tooltip. */}
      <span style={{ display: 'inline-block', cursor: 'not-allowed' }} data-testid="guarded">
        {cloneElement(children, { disabled: true })}
        <span className="visually-hidden">{reason}</span>
      </span>
    </Tooltip>
  );
}

/** The same for an item of an Actions menu: refused, it stays in the menu, disabled, with the reason. */
export function guardItem<T extends { label?: ReactNode; disabled?: boolean }>(
  item: T,
  permission: Permission,
): T & { title?: string } {
  if (permission.allowed) return item;
  const reason = permission.reason ?? 'You may not do this.';
  return {
    ...item,
    disabled: true,
    title: reason,
    label: (
      <>
        {item.label}
        <span className="visually-hidden"> ({reason})</span>
      </>
    ),
  };
}
