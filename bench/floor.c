/*
 * The floor for `sharegen build`: read every input file of a site, then write the same
 * number and sizes of output files as a real build did, with no parsing or rendering.
 * A build cannot beat this on the same machine; bench/run.sh reports sharegen against it.
 *
 * Usage: floor ROOT LISTING OUTDIR
 *   LISTING: lines "SIZE PATH" (as `find OUT -type f -printf '%s %P\n'` prints them).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char buffer[1 << 20];
static long long bytes_read;

static void read_tree(const char *path) {
    DIR *dir = opendir(path);
    if (!dir) {
        int fd = open(path, O_RDONLY);
        if (fd < 0) return;
        ssize_t n;
        while ((n = read(fd, buffer, sizeof buffer)) > 0) bytes_read += n;
        close(fd);
        return;
    }
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        if (entry->d_name[0] == '.') continue;
        char child[4096];
        snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
        read_tree(child);
    }
    closedir(dir);
}

static void make_parents(char *path) {
    for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: floor ROOT LISTING OUTDIR\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/content", argv[1]);
    read_tree(path);
    snprintf(path, sizeof path, "%s/sharegen.json", argv[1]);
    read_tree(path);
    FILE *listing = fopen(argv[2], "r");
    if (!listing) { perror(argv[2]); return 1; }
    memset(buffer, 'x', sizeof buffer);
    mkdir(argv[3], 0755);
    long size;
    char name[4096];
    int files = 0;
    while (fscanf(listing, "%ld %4095[^\n]\n", &size, name) == 2) {
        snprintf(path, sizeof path, "%s/%s", argv[3], name);
        make_parents(path);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) { perror(path); return 1; }
        for (long left = size; left > 0;) {
            ssize_t n = write(fd, buffer, left < (long)sizeof buffer ? left : (long)sizeof buffer);
            if (n <= 0) { perror(path); return 1; }
            left -= n;
        }
        close(fd);
        files++;
    }
    fclose(listing);
    fprintf(stderr, "floor: read %lld bytes, wrote %d files\n", bytes_read, files);
    return 0;
}
