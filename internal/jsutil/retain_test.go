//go:build js && wasm

package jsutil

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRetainedSchedulesCollections(t *testing.T) {
	gcs := 0
	var pending []func()
	t.Cleanup(SetCollector(func() { gcs++ }, func(f func()) { pending = append(pending, f) }))
	run := func() {
		for _, f := range pending {
			f()
		}
		pending = nil
	}
	for i := 0; i < gcAfterOps-1; i++ {
		Retained(0)
	}
	assert.Empty(t, pending, "under the operation bound")
	Retained(0)
	assert.Len(t, pending, 1, "the bound reached: one collection scheduled")
	for i := 0; i < 3*gcAfterOps; i++ {
		Retained(0)
	}
	assert.Len(t, pending, 1, "never a second while one is scheduled")
	run()
	assert.Equal(t, 1, gcs, "it runs after the task, not during the call")
	Retained(gcAfterBytes - 1)
	assert.Empty(t, pending)
	Retained(1)
	assert.Len(t, pending, 1, "the byte bound")
	run()
	assert.Equal(t, 2, gcs)
}
