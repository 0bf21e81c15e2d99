import GRDB

extension Migrations {
    /// Items whose listening state cannot reach Hardcover (issue 14, "Not on Hardcover"): the view
    /// `hardcover_gaps`, one row per item (not removed, not ignored) with listening state of the
    /// current AudiobookShelf user that no push can write, with the reason and the next step.
    ///
    /// The current user is the one whose progress a sync stored last (`abs_user.seen_at`). An item
    /// has listening state when it is finished, or its position or progress is above 0. Reasons,
    /// the first that applies: `no_match` (no match, or `unmatched` / `rejected`), `needs_review`,
    /// `book_not_mirrored` (`auto` / `confirmed`, but the book is not in `hc_book`), and
    /// `no_audiobook_edition`: the book has no audiobook edition in the mirror by the rule the
    /// Hardcover diff uses — the match's edition if it is an audiobook (reading_format_id 2), else
    /// the book's default audio edition if it is one, else any audiobook edition of the book. Only
    /// whether one exists matters here, so the rule is its three parts joined by OR.
    ///
    /// No index is added: every join is on a primary key (`abs_progress`, `match`, `hc_book`,
    /// `hc_edition`) or on `hc_edition_book_id`.
    static func v11HardcoverGaps(_ db: Database) throws {
        try db.execute(sql: """
            CREATE VIEW hardcover_gaps AS
            WITH listened AS (
                SELECT p.item_id, p.progress, p.finished, p.last_update
                FROM abs_progress p
                WHERE p.user_id = (SELECT u.id FROM abs_user u ORDER BY u.seen_at DESC, u.id LIMIT 1)
                  AND (p.finished = 1 OR p.current_seconds > 0 OR p.progress > 0)
            ),
            placed AS (
                SELECT i.id AS item_id, i.title, i.authors, m.book_id, m.status AS match_status,
                       l.progress, l.finished, l.last_update,
                       CASE
                           WHEN m.status IS NULL OR m.status IN ('unmatched', 'rejected') THEN 'no_match'
                           WHEN m.status = 'needs_review' THEN 'needs_review'
                           WHEN NOT EXISTS (SELECT 1 FROM hc_book b WHERE b.id = m.book_id) THEN 'book_not_mirrored'
                           WHEN EXISTS (SELECT 1 FROM hc_edition e WHERE e.id = m.edition_id AND e.reading_format = 'audiobook')
                             OR EXISTS (SELECT 1 FROM hc_book b JOIN hc_edition e ON e.id = b.default_audio_edition_id
                                        WHERE b.id = m.book_id AND e.reading_format = 'audiobook')
                             OR EXISTS (SELECT 1 FROM hc_edition e WHERE e.book_id = m.book_id AND e.reading_format = 'audiobook')
                           THEN NULL
                           ELSE 'no_audiobook_edition'
                       END AS reason
                FROM listened l
                JOIN items i ON i.id = l.item_id AND NOT i.removed
                LEFT JOIN match m ON m.item_id = i.id
                WHERE m.status IS NULL OR m.status <> 'ignored'
            )
            SELECT item_id, title, authors, reason,
                   CASE reason
                       WHEN 'no_match' THEN 'link it: shelfmirror link ' || item_id || ' <Hardcover book id> (shelfmirror explain '
                           || item_id || ' lists the books it could be)'
                       WHEN 'needs_review' THEN 'check it with shelfmirror explain ' || item_id || ', then confirm: shelfmirror link '
                           || item_id || ' ' || coalesce(book_id, '<Hardcover book id>') || ' (or link another book, or shelfmirror ignore ' || item_id || ')'
                       WHEN 'book_not_mirrored' THEN 'run shelfmirror sync (Hardcover book ' || coalesce(book_id, '?')
                           || ' is not in the mirror yet)'
                       ELSE 'add its audiobook edition to Hardcover book ' || book_id
                           || ' on https://hardcover.app, then run shelfmirror sync'
                   END AS next_step,
                   book_id, match_status, progress, finished, last_update
            FROM placed
            WHERE reason IS NOT NULL;
            """)
    }
}
