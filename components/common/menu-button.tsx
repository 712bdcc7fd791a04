'use client';

import { Dropdown, type MenuProps } from 'antd';
import { useRef, type ReactNode } from 'react';

/** Where an item links somewhere: the link navigates on a click, `go` on Enter (which activates the item, not the link). */
export function linkItemClick(go: () => void) {
  return (info: { domEvent?: { type?: string } }) => {
    if (info.domEvent?.type !== 'click') go();
  };
}

/**
 * A button that opens a menu, usable from the keyboard: antd's Dropdown leaves the focus on the
 * trigger (ant-design#58980), so the open menu takes it here; arrows move, Enter picks, Escape closes.
 */
export function MenuButton({
  items,
  children,
  placement = 'bottomRight',
}: {
  items: MenuProps['items'];
  children: ReactNode;
  placement?: 'bottomRight' | 'bottomLeft';
}) {
  const popup = useRef<HTMLDivElement>(null);
  // An item picked with Enter acts after the key is done: a dialog it opens must not receive that Enter.
  const deferred = items?.map((item) => {
    if (!item || !('onClick' in item) || typeof item.onClick !== 'function') return item;
    const onClick = item.onClick as (info: unknown) => void;
    return { ...item, onClick: (info: unknown) => setTimeout(() => onClick(info), 0) };
  });
  return (
    <Dropdown
      trigger={['click']}
      placement={placement}
      menu={{ items: deferred }}
      popupRender={(menu) => <div ref={popup}>{menu}</div>}
      onOpenChange={(open) => {
        if (!open) return;
        // The popup mounts on the next frames.
        let tries = 0;
        const focus = () => {
          const list = popup.current?.querySelector<HTMLElement>('[role="menu"]');
          if (list) list.focus();
          else if (tries++ < 10) requestAnimationFrame(focus);
        };
        requestAnimationFrame(focus);
      }}
    >
      {children}
    </Dropdown>
  );
}
