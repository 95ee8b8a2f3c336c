// Package lint holds checks over the whole module's source that the compiler
// does not make, run by `go test ./...` on the host: every file that imports
// syscall/js must build only for js/wasm, or the host build breaks.
package lint
