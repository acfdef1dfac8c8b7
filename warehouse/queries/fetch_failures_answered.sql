-- A failure ends when the URL it records (of those in ?) has been answered since: a capture fetched after
-- it. Failures and captures name a URL alike: as it was requested (a Wayback capture by its id_ URL).
DELETE FROM fetch_failures
WHERE url IN (SELECT unnest(?))
  AND failed_at <= (SELECT max(c.fetched_at) FROM captures AS c WHERE c.fetch_url = fetch_failures.url)
