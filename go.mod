module github.com/etagcache/etag-cache

go 1.26

require (
	github.com/hack-pad/go-indexeddb v0.3.2 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
)
