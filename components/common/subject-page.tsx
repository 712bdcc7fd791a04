import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { findPageSubject, pageTitle, type PageKind } from '@/lib/pages/page-subjects';

type Params = { params: Promise<Record<string, string>> };

/**
 * The one convention of the console's object pages: the tab title names the object ("Webhook #3 · Street
 * scenes"), and one that does not exist answers HTTP 404 with the app's not-found page (app/not-found.tsx).
 */
export function subjectPage(kind: PageKind, param: string, render: (key: string) => ReactNode) {
  const keyOf = async ({ params }: Params) => decodeURIComponent((await params)[param] ?? '');
  return {
    generateMetadata: async (props: Params) => ({ title: await pageTitle(kind, await keyOf(props)) }),
    Page: async (props: Params) => {
      const key = await keyOf(props);
      if ((await findPageSubject(kind, key)).state === 'missing') notFound();
      return render(key);
    },
  };
}
