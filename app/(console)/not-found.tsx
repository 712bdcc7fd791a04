import { NotFoundView } from '@/components/common/not-found-view';

export const metadata = { title: 'Not found' };

/** `notFound()` of a console page: the same not-found page, inside the console layout's shell. */
export default function ConsoleNotFound() {
  return <NotFoundView />;
}
