import { Suspense } from 'react';
import { Loading } from '@/components/common/query-state';
import { ProjectsList } from '@/components/projects/projects-list';

export const metadata = { title: 'Projects' };

export default function ProjectsPage() {
  return (
    <Suspense fallback={<Loading />}>
      <ProjectsList />
    </Suspense>
  );
}
