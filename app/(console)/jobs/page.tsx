import { JobsList } from '@/components/jobs/jobs-list';

export const metadata = { title: 'Jobs · Herald' };

export default function JobsPage() {
  return <JobsList />;
}
