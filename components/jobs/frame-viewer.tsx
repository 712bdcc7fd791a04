'use client';

import { LeftOutlined, RightOutlined, BorderOutlined } from '@ant-design/icons';
import { Button, Flex, Spin, Tooltip, Typography } from 'antd';
import { useRef, useState, type PointerEvent } from 'react';
import { apiUrl } from '@/lib/client/api';
import type { Issue } from '@/lib/client/types';

export type Rect = [number, number, number, number];

type Props = {
  taskId: number;
  frame: number;
  startFrame: number;
  stopFrame: number;
  onFrameChange: (frame: number) => void;
  issues: Issue[];
  draft: Rect | null;
  onDraw: (rect: Rect) => void;
  selectedIssue?: number | null;
  onSelectIssue?: (id: number) => void;
};

/** The bounding box of an issue's points, in image pixels. */
export function issueBox(position: number[]): Rect {
  const xs = position.filter((_, i) => i % 2 === 0);
  const ys = position.filter((_, i) => i % 2 === 1);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/**
 * One frame of the task with its issues drawn on it. Dragging on the image draws a rectangle in
 * image pixel coordinates; "Whole frame" does the same from the keyboard.
 */
export function FrameViewer({
  taskId,
  frame,
  startFrame,
  stopFrame,
  onFrameChange,
  issues,
  draft,
  onDraw,
  selectedIssue,
  onSelectIssue,
}: Props) {
  const imageRef = useRef<HTMLImageElement>(null);
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);
  const [loadedSrc, setLoadedSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [drag, setDrag] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);
  const src = apiUrl(`/tasks/${taskId}/data`, { type: 'frame', number: frame });
  const loading = loadedSrc !== src && failed !== src;

  /** A pointer position in image pixels, clamped to the image. */
  function toImage(e: PointerEvent): { x: number; y: number } | null {
    const img = imageRef.current;
    if (!img || !natural) return null;
    const r = img.getBoundingClientRect();
    const x = Math.min(Math.max(e.clientX - r.left, 0), r.width);
    const y = Math.min(Math.max(e.clientY - r.top, 0), r.height);
    return { x: (x * natural.w) / r.width, y: (y * natural.h) / r.height };
  }

  function onPointerDown(e: PointerEvent<HTMLDivElement>) {
    if (e.button !== 0) return;
    const p = toImage(e);
    if (!p) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    setDrag({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
  }

  function onPointerMove(e: PointerEvent<HTMLDivElement>) {
    if (!drag) return;
    const p = toImage(e);
    if (p) setDrag({ ...drag, x1: p.x, y1: p.y });
  }

  function onPointerUp(e: PointerEvent<HTMLDivElement>) {
    if (!drag) return;
    const p = toImage(e) ?? { x: drag.x1, y: drag.y1 };
    setDrag(null);
    const rect: Rect = [
      Math.min(drag.x0, p.x),
      Math.min(drag.y0, p.y),
      Math.max(drag.x0, p.x),
      Math.max(drag.y0, p.y),
    ].map((v) => Math.round(v * 10) / 10) as Rect;
    if (rect[2] - rect[0] >= 2 && rect[3] - rect[1] >= 2) onDraw(rect);
  }

  function pct(rect: Rect) {
    if (!natural) return {};
    return {
      left: `${(rect[0] / natural.w) * 100}%`,
      top: `${(rect[1] / natural.h) * 100}%`,
      width: `${((rect[2] - rect[0]) / natural.w) * 100}%`,
      height: `${((rect[3] - rect[1]) / natural.h) * 100}%`,
    };
  }

  const live: Rect | null = drag
    ? [
        Math.min(drag.x0, drag.x1),
        Math.min(drag.y0, drag.y1),
        Math.max(drag.x0, drag.x1),
        Math.max(drag.y0, drag.y1),
      ]
    : null;

  return (
    <div>
      <Flex align="center" justify="space-between" gap={8} wrap style={{ marginBottom: 12 }}>
        <Flex align="center" gap={8}>
          <Button
            icon={<LeftOutlined />}
            aria-label="Previous frame"
            disabled={frame <= startFrame}
            onClick={() => onFrameChange(frame - 1)}
          />
          <Typography.Text strong data-testid="frame-number">
            Frame {frame}
          </Typography.Text>
          <Typography.Text type="secondary">
            ({frame - startFrame + 1} of {stopFrame - startFrame + 1})
          </Typography.Text>
          <Button
            icon={<RightOutlined />}
            aria-label="Next frame"
            disabled={frame >= stopFrame}
            onClick={() => onFrameChange(frame + 1)}
          />
        </Flex>
        <Tooltip title="Place an issue on the whole frame (or drag a rectangle on the image)">
          <Button
            icon={<BorderOutlined />}
            disabled={!natural}
            onClick={() => natural && onDraw([0, 0, natural.w, natural.h])}
          >
            Whole frame
          </Button>
        </Tooltip>
      </Flex>
      <div
        style={{
          background: '#1f2233',
          borderRadius: 6,
          padding: 8,
          display: 'flex',
          justifyContent: 'center',
          minHeight: 200,
          alignItems: 'center',
        }}
      >
        {failed === src ? (
          <Typography.Text style={{ color: '#fff' }}>This frame could not be loaded.</Typography.Text>
        ) : (
          <Spin spinning={loading}>
            <div
              data-testid="frame-canvas"
              style={{
                position: 'relative',
                display: 'inline-block',
                lineHeight: 0,
                cursor: 'crosshair',
                touchAction: 'none',
                userSelect: 'none',
              }}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerCancel={() => setDrag(null)}
            >
              {/* eslint-disable-next-line @next/next/no-img-element -- an authenticated API image, not a static asset */}
              <img
                ref={imageRef}
                src={src}
                alt={`Frame ${frame}`}
                draggable={false}
                onLoad={(e) => {
                  setNatural({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight });
                  setLoadedSrc(src);
                }}
                onError={() => setFailed(src)}
                style={{
                  maxWidth: '100%',
                  maxHeight: '65vh',
                  minWidth: 240,
                  objectFit: 'contain',
                  imageRendering: 'pixelated',
                  display: 'block',
                }}
              />
              {natural &&
                issues.map((issue, i) => (
                  <div
                    key={issue.id}
                    title={`Issue #${issue.id}`}
                    onPointerDown={(e) => {
                      if (onSelectIssue) {
                        e.stopPropagation();
                        onSelectIssue(issue.id);
                      }
                    }}
                    style={{
                      position: 'absolute',
                      ...pct(issueBox(issue.position)),
                      border: `2px ${issue.resolved ? 'dashed' : 'solid'} ${issue.resolved ? '#52c41a' : '#ff4d4f'}`,
                      boxShadow: selectedIssue === issue.id ? '0 0 0 2px #fff' : undefined,
                      background: issue.resolved ? 'rgba(82,196,26,0.08)' : 'rgba(255,77,79,0.12)',
                      cursor: 'pointer',
                    }}
                  >
                    <span
                      style={{
                        position: 'absolute',
                        top: -1,
                        left: -1,
                        background: issue.resolved ? '#52c41a' : '#ff4d4f',
                        color: '#fff',
                        fontSize: 11,
                        lineHeight: '16px',
                        padding: '0 4px',
                      }}
                    >
                      {i + 1}
                    </span>
                  </div>
                ))}
              {(live ?? draft) && natural && (
                <div
                  data-testid="draft-rect"
                  style={{
                    position: 'absolute',
                    ...pct((live ?? draft)!),
                    border: '2px dashed #ffd43b',
                    background: 'rgba(255,212,59,0.15)',
                    pointerEvents: 'none',
                  }}
                />
              )}
            </div>
          </Spin>
        )}
      </div>
    </div>
  );
}
