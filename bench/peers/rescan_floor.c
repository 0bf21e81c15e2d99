/* rescan_floor.c: the least a re-scan of an unchanged library can do, in plain C, as one
 * process: walk the folders (openat, getdents, fstatat on every entry, as a scanner that
 * must notice any changed file does) and read every file's (path, size, mtime) from the mirror
 * (its internal tag_file table: the public file_tags view leaves the mtime out).
 * No comparison, no output, no writes. `make bench` times it beside shelfmirror's warm re-scan,
 * to show how far the "warm ≥ 20× faster than cold" target is from what the machine allows.
 *
 * Usage: rescan_floor DIR MIRROR.sqlite
 * Prints "rescan_floor: <files> files, <rows> rows" on stderr; exit 1 on any failure. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static long files = 0;

static int walk(int dfd) {
    DIR *d = fdopendir(dfd);
    if (!d) return -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        struct stat st;
        if (fstatat(dfd, e->d_name, &st, 0) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            int child = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (child < 0 || walk(child) != 0) return -1;
        } else if (S_ISREG(st.st_mode)) {
            files++;
        }
    }
    closedir(d);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: rescan_floor DIR MIRROR.sqlite\n");
        return 2;
    }
    int root = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0 || walk(root) != 0) {
        perror(argv[1]);
        return 1;
    }
    sqlite3 *db;
    sqlite3_stmt *stmt;
    if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT path, size_bytes, mtime_ns FROM tag_file", -1, &stmt, NULL) != SQLITE_OK) {
        fprintf(stderr, "rescan_floor: %s: %s\n", argv[2], sqlite3_errmsg(db));
        return 1;
    }
    long rows = 0, bytes = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        rows++;
        bytes += sqlite3_column_bytes(stmt, 0) + sqlite3_column_int64(stmt, 1) % 2 + sqlite3_column_int64(stmt, 2) % 2;
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    fprintf(stderr, "rescan_floor: %ld files, %ld rows\n", files, rows);
    return bytes > 0 ? 0 : 1;
}
