-- What the mapping left out of a request, per event id: a blueprint row whose transform failed
-- ("1,299.00" is not a number) leaves its field out with a warning. Without it in the log, an
-- event delivered without its revenue or phone left no trace an operator could find.
ALTER TABLE signal.delivery_log ADD COLUMN warnings jsonb;
