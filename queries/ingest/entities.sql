-- name: text_entities
-- Links and hashtags found in the text of the staged posts, for exports without entities (Reddit, Discord, Slack).
--
-- Links: http(s) URLs, HTML's `&amp;` read as `&`, ended by whitespace, `<>"'|[]{}` or a markdown `)`;
-- trailing punctuation (`.,;:!?`) and an unbalanced `)` are not part of them. Hashtags: `#` and a word
-- with at least one letter, not preceded by a letter, digit, `_`, `&`, `#`, `/`, `<` or `@`, found in
-- the text with its URLs taken out, so a URL's fragment (`wiki/Fresh_Prince#Carlton_Banks`), an HTML
-- entity (`&#39;`, also escaped again as `&amp;#x200B;`) or a Slack channel (`<#C024BE7LR>`) is none; lower case, without `#`.
CREATE OR REPLACE TEMP MACRO wb_trim_url(u) AS
    CASE WHEN ends_with(rtrim(u, '.,;:!?'), ')')
              AND length(rtrim(u, '.,;:!?')) - length(replace(rtrim(u, '.,;:!?'), ')', ''))
                  > length(rtrim(u, '.,;:!?')) - length(replace(rtrim(u, '.,;:!?'), '(', ''))
         THEN rtrim(left(rtrim(u, '.,;:!?'), length(rtrim(u, '.,;:!?')) - 1), '.,;:!?')
         ELSE rtrim(u, '.,;:!?') END;
CREATE OR REPLACE TEMP MACRO wb_text_links(t) AS
    list_filter(list_transform(regexp_extract_all(replace(t, '&amp;', '&'), 'https?://[^\s<>"''|\[\]{}]+'),
                               lambda u: wb_trim_url(u)),
                lambda u: length(u) > 10);
CREATE OR REPLACE TEMP MACRO wb_text_hashtags(t) AS
    list_transform(regexp_extract_all(' ' || regexp_replace(replace(t, '&amp;', '&'), 'https?://\S+', ' ', 'g'),
                                      '[^\p{L}\p{N}_&#/<@]#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)', 1),
                   lambda h: lower(h));

INSERT INTO stage_post_entities (post_id, entity, value)
SELECT DISTINCT post_id, 'link', link
FROM (SELECT post_id, unnest(wb_text_links(text)) AS link FROM stage_posts WHERE text IS NOT NULL AND contains(text, '://'))
UNION ALL
SELECT DISTINCT post_id, 'hashtag', tag
FROM (SELECT post_id, unnest(wb_text_hashtags(text)) AS tag FROM stage_posts WHERE text IS NOT NULL AND contains(text, '#'));
