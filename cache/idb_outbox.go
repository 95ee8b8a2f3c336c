//go:build js && wasm

package cache

import (
	"context"
	"fmt"
	"syscall/js"
	"time"

	"github.com/hack-pad/go-indexeddb/idb"
)

// outboxSchema is the "outbox" field of every outbox record; a record with
// another value (a newer release's) is left out of Mutations and left alone.
const outboxSchema = 1

// encodeMutation turns m into the plain JS object stored in the meta store:
//
//	{outbox: 1, id, ns, method, url, headers: {...}, body: ArrayBuffer,
//	 ifMatch, after, invalidates: [...], patched, prior: ArrayBuffer,
//	 queuedAt, attempts, state, lastError}
func encodeMutation(m *Mutation) js.Value {
	o := js.Global().Get("Object").New()
	o.Set("outbox", outboxSchema)
	o.Set("id", m.ID)
	o.Set("ns", m.Namespace)
	o.Set("method", m.Method)
	o.Set("url", m.URL)
	h := js.Global().Get("Object").New()
	for k, v := range m.Header {
		h.Set(k, v)
	}
	o.Set("headers", h)
	o.Set("body", bodyBuffer(Bytes(m.Body)))
	o.Set("ifMatch", m.IfMatch)
	o.Set("after", m.After)
	inv := js.Global().Get("Array").New(len(m.Invalidates))
	for i, u := range m.Invalidates {
		inv.SetIndex(i, u)
	}
	o.Set("invalidates", inv)
	o.Set("patched", m.Patched)
	o.Set("prior", bodyBuffer(Bytes(m.Prior)))
	o.Set("queuedAt", float64(m.QueuedAt.UnixMilli()))
	o.Set("attempts", m.Attempts)
	o.Set("state", string(m.State))
	o.Set("lastError", m.LastError)
	return o
}

// decodeMutation reads an outbox record back; anything malformed is an
// error wrapping errCorrupt. It never panics.
func decodeMutation(rec js.Value) (m *Mutation, err error) {
	if perr := safely(func() error {
		m, err = decodeMutationFields(rec)
		return nil
	}); perr != nil {
		return nil, fmt.Errorf("%w: %w", errCorrupt, perr)
	}
	return m, err
}

func decodeMutationFields(rec js.Value) (*Mutation, error) {
	bad := func(field string) error { return fmt.Errorf("%w: outbox record field %s", errCorrupt, field) }
	if rec.Type() != js.TypeObject || rec.Get("outbox").Type() != js.TypeNumber || rec.Get("outbox").Int() != outboxSchema {
		return nil, bad("outbox")
	}
	str := func(name string) (string, bool) {
		v := rec.Get(name)
		if v.Type() != js.TypeString {
			return "", false
		}
		return v.String(), true
	}
	m := &Mutation{}
	var ok bool
	for _, f := range []struct {
		name string
		dst  *string
	}{{"id", &m.ID}, {"ns", &m.Namespace}, {"method", &m.Method}, {"url", &m.URL}, {"ifMatch", &m.IfMatch},
		{"after", &m.After}, {"lastError", &m.LastError}} {
		if *f.dst, ok = str(f.name); !ok {
			return nil, bad(f.name)
		}
	}
	state, ok := str("state")
	if !ok || (state != string(MutationPending) && state != string(MutationFailed)) {
		return nil, bad("state")
	}
	m.State = MutationState(state)
	h := rec.Get("headers")
	if h.Type() != js.TypeObject {
		return nil, bad("headers")
	}
	keys := js.Global().Get("Object").Call("keys", h)
	if n := keys.Length(); n > 0 {
		m.Header = make(map[string]string, n)
		for i := 0; i < n; i++ {
			k := keys.Index(i).String()
			v := h.Get(k)
			if v.Type() != js.TypeString {
				return nil, bad("headers")
			}
			m.Header[k] = v.String()
		}
	}
	var err error
	if m.Body, err = bufferBytes(rec.Get("body")); err != nil {
		return nil, bad("body")
	}
	if m.Prior, err = bufferBytes(rec.Get("prior")); err != nil {
		return nil, bad("prior")
	}
	if p := rec.Get("patched"); p.Type() == js.TypeBoolean {
		m.Patched = p.Bool()
	} else {
		return nil, bad("patched")
	}
	inv := rec.Get("invalidates")
	if inv.Type() != js.TypeObject || !js.Global().Get("Array").Call("isArray", inv).Bool() {
		return nil, bad("invalidates")
	}
	for i, n := 0, inv.Length(); i < n; i++ {
		v := inv.Index(i)
		if v.Type() != js.TypeString {
			return nil, bad("invalidates")
		}
		m.Invalidates = append(m.Invalidates, v.String())
	}
	q := rec.Get("queuedAt")
	if q.Type() != js.TypeNumber || q.Float() < 0 {
		return nil, bad("queuedAt")
	}
	m.QueuedAt = time.UnixMilli(int64(q.Float()))
	m.Attempts = int(countValue(rec.Get("attempts")))
	if m.ID == "" || m.URL == "" || m.Method == "" {
		return nil, bad("id")
	}
	return m, nil
}

// bufferBytes copies an ArrayBuffer's bytes into Go.
func bufferBytes(v js.Value) ([]byte, error) {
	if v.Type() != js.TypeObject || !v.InstanceOf(js.Global().Get("ArrayBuffer")) {
		return nil, errCorrupt
	}
	if p := NewJSBody(v).Bytes(); len(p) > 0 {
		return p, nil
	}
	return nil, nil
}

// PutMutation implements Outbox: one write to the meta store.
func (s *IDBStore) PutMutation(ctx context.Context, m *Mutation) error {
	k, err := outboxKey(m)
	if err != nil {
		return err
	}
	return s.do(ctx, "put mutation", k, idb.TransactionReadWrite, true, func(_ context.Context, t *txn) error {
		_, err := t.meta.PutKey(js.ValueOf(k), encodeMutation(m))
		return err
	})
}

// DeleteMutation implements Outbox.
func (s *IDBStore) DeleteMutation(ctx context.Context, m *Mutation) (bool, error) {
	k, err := outboxKey(m)
	if err != nil {
		return false, err
	}
	var found bool
	err = s.do(ctx, "delete mutation", k, idb.TransactionReadWrite, true, func(ctx context.Context, t *txn) error {
		req, err := t.meta.Get(js.ValueOf(k))
		if err != nil {
			return err
		}
		v, err := await(ctx, req)
		if err != nil {
			return err
		}
		if found = !v.IsUndefined(); !found {
			return nil
		}
		_, err = t.meta.Delete(js.ValueOf(k))
		return err
	})
	return found, err
}

// Mutations implements Outbox: the key range of namespace's outbox in the
// meta store, in key (queue) order.
func (s *IDBStore) Mutations(ctx context.Context, namespace string) ([]*Mutation, error) {
	var out []*Mutation
	prefix := outboxPrefix(namespace)
	err := s.do(ctx, "mutations", namespace, idb.TransactionReadOnly, true, func(ctx context.Context, t *txn) error {
		out = nil
		rng, err := idb.NewKeyRangeBound(js.ValueOf(prefix), js.ValueOf(prefix+"\uffff"), false, false)
		if err != nil {
			return err
		}
		return walk(ctx, t.meta, "", rng, func(_ string, rec js.Value) (del, stop bool) {
			if m, err := decodeMutation(rec); err == nil && m.Namespace == namespace {
				out = append(out, m)
			}
			return false, false
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
