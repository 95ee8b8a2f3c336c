module github.com/etagcache/etag-cache

go 1.26
