/**
 * The largest upload the task page sends through its server action. Next buffers a server action's
 * whole body in memory, and the limit applies to every action, so it stays well below what the REST
 * route (`POST /api/tasks/{id}/data`, up to 1 GiB) takes; larger image sets go through the API.
 */
export const PAGE_UPLOAD_MAX_BYTES = 64 * 1024 * 1024;
