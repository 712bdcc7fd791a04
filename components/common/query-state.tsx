'use client';

import type { UseQueryResult } from '@tanstack/react-query';
import { Alert, Button, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { ApiRequestError } from '@/lib/client/api';
import { NotFoundView } from './not-found-view';

/** The spinner every page shows while it loads. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div role="status" aria-live="polite" style={{ display: 'flex', justifyContent: 'center', padding: 48 }}>
      <Spin description={label} />
    </div>
  );
}

/** A failed call: 403 and 404 get their own words, anything else the server's message. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (error instanceof ApiRequestError && error.status === 403) {
    return <Result status="403" title="You are not allowed to see this" subTitle={error.message} />;
  }
  if (error instanceof ApiRequestError && error.status === 401) {
    return (
      <Result
        status="warning"
        title="Your session has ended"
        extra={
          <Button type="primary" href="/login">
            Sign in again
          </Button>
        }
      />
    );
  }
  if (error instanceof ApiRequestError && error.status === 404) return <NotFoundView />;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Alert
      type="error"
      showIcon
      title="Something went wrong"
      description={message}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            Retry
          </Button>
        ) : undefined
      }
    />
  );
}

/** Spinner, then the error, then `children(data)`. */
export function QueryState<T>({
  query,
  children,
}: {
  query: UseQueryResult<T, Error>;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  return <>{children(query.data)}</>;
}
