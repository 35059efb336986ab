// Package ticket makes a stay's ticket number: ten digits, printed on the
// ticket and typed in by drivers and partners, that cannot be guessed from
// another ticket.
//
// A random number does that, but a store indexes it at a random place, so
// every entry writes a page of the index picked at random. A Cipher turns
// a sequence number into a ticket with a keyed permutation instead: tickets
// issued one after another look unrelated to whoever lacks the key, while
// the store indexes the sequence number, in issue order, and finds a ticket
// by deciphering it.
package ticket

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strconv"
)

const (
	// Min is the smallest ticket; every ticket has ten digits.
	Min = 1_000_000_000
	// Count is how many tickets there are: Min to Min+Count-1.
	Count = 9_000_000_000

	half   = 100_000 // a Feistel half: five digits
	rounds = 10      // as FF1 (NIST SP 800-38G) uses
)

// KeySize is the length of a Cipher's key (AES-128).
const KeySize = 16

// Random returns a random ticket, for a store that indexes the tickets
// themselves.
func Random() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return strconv.FormatUint(Min+binary.BigEndian.Uint64(b[:])%Count, 10)
}

// NewKey returns a random key for New.
func NewKey() []byte {
	k := make([]byte, KeySize)
	_, _ = rand.Read(k)
	return k
}

// Cipher is a keyed permutation of the ticket numbers. It is safe for
// concurrent use.
type Cipher struct{ b cipher.Block }

// New returns the Cipher of key, which must be KeySize bytes.
func New(key []byte) (*Cipher, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("ticket: key is %d bytes, want %d", len(key), KeySize)
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return &Cipher{b: b}, nil
}

// Encode returns the ticket of sequence number seq, 0 <= seq < Count.
func (c *Cipher) Encode(seq uint64) (string, error) {
	if seq >= Count {
		return "", fmt.Errorf("ticket: sequence number %d past the last ticket", seq)
	}
	// The Feistel network permutes 0..10^10-1; walking the cycle until it
	// lands below Count again makes it a permutation of 0..Count-1
	// (about 1.1 steps on average).
	x := c.forward(seq)
	for x >= Count {
		x = c.forward(x)
	}
	return strconv.FormatUint(Min+x, 10), nil
}

// Decode returns the sequence number of ticket t; ok is false when t is
// not ten digits from Min on, so no Encode made it.
func (c *Cipher) Decode(t string) (seq uint64, ok bool) {
	if len(t) != 10 {
		return 0, false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(t, 10, 64)
	if err != nil || n < Min {
		return 0, false
	}
	x := c.backward(n - Min)
	for x >= Count {
		x = c.backward(x)
	}
	return x, true
}

// forward is the Feistel network on x < half*half: each round takes the
// right half to the left and adds the round function of it to the left
// half, modulo half.
func (c *Cipher) forward(x uint64) uint64 {
	l, r := x/half, x%half
	for i := range rounds {
		l, r = r, (l+c.f(i, r))%half
	}
	return l*half + r
}

// backward undoes forward, round by round from the last.
func (c *Cipher) backward(x uint64) uint64 {
	l, r := x/half, x%half
	for i := rounds - 1; i >= 0; i-- {
		l, r = (r+half-c.f(i, l))%half, l
	}
	return l*half + r
}

// f is round i's function of a half: AES of the round and the half.
func (c *Cipher) f(i int, v uint64) uint64 {
	var in, out [16]byte
	in[0] = byte(i)
	binary.BigEndian.PutUint64(in[8:], v)
	c.b.Encrypt(out[:], in[:])
	return binary.BigEndian.Uint64(out[:8]) % half
}
