-- The email addresses a person deletion found for the person (their remembered identify traits
-- when it was requested, the traits of the stored events it deleted): the deletion passes them
-- to vendors that know people by email only. Kept only while it runs, like the ids it was
-- given (emptied when it is done); `emails_found` says afterwards how many there were.
ALTER TABLE signal.person_deletions
  ADD COLUMN emails text[] NOT NULL DEFAULT '{}',
  ADD COLUMN emails_found integer NOT NULL DEFAULT 0;
