package cache

// MemoryView exposes Memory.view to the external tests: a second store over
// the same entries, e.g. under another app version.
func MemoryView(m *Memory, o Options) (*Memory, error) { return m.view(o) }
