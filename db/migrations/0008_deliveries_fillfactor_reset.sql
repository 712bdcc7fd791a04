-- Back to full pages (0006 kept 30 % of each free for HOT leases). A claim leases its series page after
-- page, so that the free room took only part of a page's leases in place, while an event delivered to
-- 10 webhooks took ~900 bytes more on disk (storage figure: 8,409 -> 7,508 bytes per event); series
-- adopted at commit, the usual path, are leased when written and never updated by a claim.
ALTER TABLE "webhook_deliveries" RESET (fillfactor);
