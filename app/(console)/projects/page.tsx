import { Suspense } from 'react';
import { Loading } from '@/components/common/query-state';
import { ProjectsList } from '@/components/projects/projects-list';

export const metadata = { title: 'Projects · Herald' };

export default function ProjectsPage() {
  return (
    <Suspense fallback={<Loading />}>
      <ProjectsList />
    </Suspense>
  );
}
