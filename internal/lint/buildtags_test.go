//go:build !js

package lint_test

import (
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSyscallJSFilesCarryWasmTag walks the whole module and fails for any Go
// file importing syscall/js that could build outside js/wasm: such a file
// breaks `go test ./...` on the host.
func TestSyscallJSFilesCarryWasmTag(t *testing.T) {
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(root, "go.mod"))
	require.NoError(t, err, "module root not found at %s", root)
	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" ||
				d.Name() == "testdata" || d.Name() == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		usesJS := false
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "syscall/js" {
				usesJS = true
			}
		}
		if !usesJS {
			return nil
		}
		checked++
		if !wasmOnly(path, f.Comments) {
			rel, _ := filepath.Rel(root, path)
			t.Errorf("%s imports syscall/js but lacks a //go:build js && wasm constraint", rel)
		}
		return nil
	})
	require.NoError(t, err)
	t.Logf("%d files importing syscall/js checked", checked)
}

// wasmOnly reports whether a file builds only when both js and wasm hold,
// through its //go:build line or a _js / _js_wasm file name.
func wasmOnly(path string, groups []*ast.CommentGroup) bool {
	name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".go"), "_test")
	if strings.HasSuffix(name, "_js") || strings.HasSuffix(name, "_js_wasm") {
		return true // GOOS=js implies GOARCH=wasm
	}
	for _, g := range groups {
		for _, c := range g.List {
			if !constraint.IsGoBuild(c.Text) {
				continue
			}
			expr, err := constraint.Parse(c.Text)
			if err != nil {
				return false
			}
			withoutJS := expr.Eval(func(tag string) bool { return tag == "wasm" })
			withoutWasm := expr.Eval(func(tag string) bool { return tag == "js" })
			return !withoutJS && !withoutWasm && expr.Eval(func(tag string) bool { return tag == "js" || tag == "wasm" })
		}
	}
	return false
}

func TestWasmOnly(t *testing.T) {
	cases := []struct {
		name, src string
		want      bool
	}{
		{"a.go", "//go:build js && wasm\n\npackage a", true},
		{"a.go", "//go:build wasm && js\n\npackage a", true},
		{"a.go", "//go:build js && wasm && !tiny\n\npackage a", true},
		{"a.go", "//go:build js\n\npackage a", false},
		{"a.go", "//go:build js || wasm\n\npackage a", false},
		{"a.go", "// just a comment\n\npackage a", false},
		{"a.go", "package a", false},
		{"a_js.go", "package a", true},
		{"a_js_test.go", "package a", true},
	}
	for _, tc := range cases {
		f, err := parser.ParseFile(token.NewFileSet(), tc.name, tc.src, parser.ImportsOnly|parser.ParseComments)
		require.NoError(t, err)
		if got := wasmOnly(tc.name, f.Comments); got != tc.want {
			t.Errorf("wasmOnly(%q, %q) = %v, want %v", tc.name, tc.src, got, tc.want)
		}
	}
}
