//go:build !(js && wasm)

package fetcher

// defaultBackground starts f on a goroutine.
func defaultBackground(f func()) { go f() }
