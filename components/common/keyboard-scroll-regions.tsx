'use client';

import { useEffect } from 'react';

const SCROLLERS = '.ant-table-content, .ant-table-body';

/**
 * A table wider than a phone scrolls inside its own box (antd's `scroll.x`); a keyboard user can scroll
 * it only if that box takes the focus (WCAG 2.1.1, axe's scrollable-region-focusable). antd renders the
 * box itself and offers no prop for it, so each one is made focusable and named once it appears.
 */
export function KeyboardScrollRegions() {
  useEffect(() => {
    const mark = () => {
      for (const box of document.querySelectorAll<HTMLElement>(SCROLLERS)) {
        if (box.tabIndex >= 0) continue;
        box.tabIndex = 0;
        box.setAttribute('role', 'region');
        box.setAttribute('aria-label', 'Table (scrolls sideways)');
      }
    };
    mark();
    const observer = new MutationObserver(mark);
    observer.observe(document.body, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, []);
  return null;
}
