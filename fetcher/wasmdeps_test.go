//go:build !(js && wasm)

package fetcher

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWasmBuildDoesNotLinkNetHTTP checks that a js/wasm build of this package
// leaves out net/http (about 8 MB of module size): the browser transport
// calls fetch through syscall/js.
func TestWasmBuildDoesNotLinkNetHTTP(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	cmd := exec.Command(goBin, "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "syscall/js", "the listing is of the js/wasm build")
	for _, forbidden := range []string{"net/http", "crypto/tls", "net"} {
		assert.NotContains(t, deps, forbidden)
	}
}
