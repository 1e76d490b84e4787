-- Counters and rate-limit state belong to a pipeline integration (resp. an integration
-- template) and go with it: deleted, they would stay forever (nothing else prunes them), and a
-- template's row would be read again by nothing. A trigger rather than a foreign key: a worker
-- finishing a batch of a just-deleted integration still counts it, and that late upsert must not
-- fail (the row it leaves is one small orphan).
CREATE FUNCTION signal.forget_pipeline_integration() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM signal.integration_stats WHERE pipeline_integration_id = OLD.id;
  RETURN NULL;
END $$;
CREATE TRIGGER pipeline_integrations_forget AFTER DELETE ON signal.pipeline_integrations
  FOR EACH ROW EXECUTE FUNCTION signal.forget_pipeline_integration();

CREATE FUNCTION signal.forget_integration_template() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM signal.rate_limits WHERE template_id = OLD.id;
  RETURN NULL;
END $$;
CREATE TRIGGER integration_templates_forget AFTER DELETE ON signal.integration_templates
  FOR EACH ROW EXECUTE FUNCTION signal.forget_integration_template();

-- What earlier deletions left.
DELETE FROM signal.integration_stats s
  WHERE NOT EXISTS (SELECT 1 FROM signal.pipeline_integrations a WHERE a.id = s.pipeline_integration_id);
DELETE FROM signal.rate_limits r
  WHERE NOT EXISTS (SELECT 1 FROM signal.integration_templates t WHERE t.id = r.template_id);
