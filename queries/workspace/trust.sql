-- name: foreign_objects
-- Views, macros and user types in the catalog $catalog (the workbench writes none into a workspace).
SELECT 'view' AS kind, schema_name, view_name AS name
FROM duckdb_views() WHERE database_name = $catalog AND NOT internal
UNION ALL
SELECT CASE function_type WHEN 'table_macro' THEN 'table macro' ELSE 'macro' END, schema_name, function_name
FROM duckdb_functions()
WHERE database_name = $catalog AND NOT internal AND function_type IN ('macro', 'table_macro')
UNION ALL
SELECT 'type', schema_name, type_name
FROM duckdb_types() WHERE database_name = $catalog AND NOT internal
ORDER BY 1, 2, 3;

-- name: table_columns
-- Columns (name, type) of the base tables in the main schema of the catalog $catalog, in order.
SELECT c.table_name, c.column_name, c.data_type
FROM information_schema.columns AS c
JOIN information_schema.tables AS t USING (table_catalog, table_schema, table_name)
WHERE c.table_catalog = $catalog AND c.table_schema = 'main' AND t.table_type = 'BASE TABLE'
ORDER BY c.table_name, c.ordinal_position;

-- name: main_tables
-- Names of the tables in the main schema of the catalog $catalog.
SELECT table_name FROM information_schema.tables
WHERE table_catalog = $catalog AND table_schema = 'main' AND table_type = 'BASE TABLE'
ORDER BY table_name;
