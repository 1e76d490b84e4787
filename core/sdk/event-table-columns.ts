// The columns of the event table every warehouse plugin's README creates (BigQuery, ClickHouse,
// Snowflake, Amazon Redshift, Databricks): one list, whatever type each warehouse gives them, so
// the tables stay alike and a column added is added everywhere.

/**
 * The event table's columns by kind: text, ids (left out when a placeholder), times, JSON
 * documents, and those the table declares NOT NULL.
 *
 * @example
 * for (const column of EVENT_TABLE_COLUMNS.times) row[column] = utcTimeText(payload[column]);
 */
export const EVENT_TABLE_COLUMNS = Object.freeze({
  text: ['message_id', 'type', 'event', 'name'] as const,
  ids: ['user_id', 'anonymous_id', 'group_id', 'previous_id'] as const,
  times: ['timestamp', 'received_at', 'sent_at'] as const,
  json: ['properties', 'traits', 'context'] as const,
  required: ['message_id', 'type', 'timestamp', 'received_at'] as const,
});
