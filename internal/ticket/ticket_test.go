package ticket

import (
	"bytes"
	"strconv"
	"testing"
)

func testCipher(t *testing.T, key []byte) *Cipher {
	t.Helper()
	c, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Every sequence number has its own ten-digit ticket, which deciphers back
// to it: 200,000 in a row and the ends of the range.
func TestTicketsAreDistinctAndDecode(t *testing.T) {
	c := testCipher(t, bytes.Repeat([]byte{7}, KeySize))
	seen := make(map[string]uint64, 200_000)
	check := func(seq uint64) {
		tk, err := c.Encode(seq)
		if err != nil {
			t.Fatalf("Encode(%d): %v", seq, err)
		}
		n, err := strconv.ParseUint(tk, 10, 64)
		if len(tk) != 10 || err != nil || n < Min || n >= Min+Count {
			t.Fatalf("Encode(%d) = %q, want ten digits from %d", seq, tk, Min)
		}
		if prev, dup := seen[tk]; dup {
			t.Fatalf("sequence numbers %d and %d both give ticket %s", prev, seq, tk)
		}
		seen[tk] = seq
		if back, ok := c.Decode(tk); !ok || back != seq {
			t.Fatalf("Decode(Encode(%d) = %s) = %d, %v", seq, tk, back, ok)
		}
	}
	for seq := uint64(0); seq < 200_000; seq++ {
		check(seq)
	}
	for seq := uint64(Count - 1000); seq < Count; seq++ {
		check(seq)
	}
	if _, err := c.Encode(Count); err == nil {
		t.Fatal("Encode(Count) made a ticket past the last one")
	}
}

// Every ten-digit number deciphers to a sequence number whose ticket it
// is: a permutation has no ticket that belongs to nobody.
func TestEveryTicketBelongsToOneSequenceNumber(t *testing.T) {
	c := testCipher(t, bytes.Repeat([]byte{3}, KeySize))
	for n := uint64(Min); n < Min+50_000; n += 7 {
		tk := strconv.FormatUint(n, 10)
		seq, ok := c.Decode(tk)
		if !ok || seq >= Count {
			t.Fatalf("Decode(%s) = %d, %v", tk, seq, ok)
		}
		if again, _ := c.Encode(seq); again != tk {
			t.Fatalf("Encode(Decode(%s)) = %s", tk, again)
		}
	}
}

// Tickets issued one after another do not follow each other: about half
// of the next tickets are greater, and no digit stays put.
func TestConsecutiveTicketsLookUnrelated(t *testing.T) {
	c := testCipher(t, bytes.Repeat([]byte{9}, KeySize))
	const n = 20_000
	up := 0
	sameFirst := 0
	prev, _ := c.Encode(0)
	for seq := uint64(1); seq <= n; seq++ {
		tk, _ := c.Encode(seq)
		if tk > prev {
			up++
		}
		if tk[:3] == prev[:3] {
			sameFirst++
		}
		prev = tk
	}
	// Random tickets: half up (sd 71 over 20,000), and the same first
	// three digits one time in 900.
	if up < n*45/100 || up > n*55/100 {
		t.Errorf("%d of %d next tickets greater, want about half", up, n)
	}
	if sameFirst > n/100 {
		t.Errorf("%d of %d next tickets share the first three digits, want about %d", sameFirst, n, n/900)
	}
}

// Another key gives other tickets: whoever knows one installation's
// tickets learns nothing of another's.
func TestTheKeyDecides(t *testing.T) {
	a := testCipher(t, bytes.Repeat([]byte{1}, KeySize))
	b := testCipher(t, bytes.Repeat([]byte{2}, KeySize))
	same := 0
	for seq := uint64(0); seq < 1000; seq++ {
		x, _ := a.Encode(seq)
		y, _ := b.Encode(seq)
		if x == y {
			same++
		}
	}
	if same > 1 {
		t.Errorf("%d of 1000 tickets the same under two keys", same)
	}
}

// Tickets already printed must decode after an upgrade: the permutation
// of a key is pinned. These values were made by this code when it was
// written; if this test fails, the change breaks every ticket in the
// field.
func TestPinned(t *testing.T) {
	c := testCipher(t, []byte("0123456789abcdef"))
	for seq, want := range map[uint64]string{0: "8269150101", 1: "3059743951", 123_456_789: "9518581193"} {
		if got, _ := c.Encode(seq); got != want {
			t.Errorf("Encode(%d) = %s, pinned %s", seq, got, want)
		}
	}
}

func TestDecodeRefusesWhatNoTicketIs(t *testing.T) {
	c := testCipher(t, bytes.Repeat([]byte{5}, KeySize))
	for _, s := range []string{"", "123", "0123456789", "12345678a9", "12345678901", " 123456789", "+123456789", "-123456789"} {
		if seq, ok := c.Decode(s); ok {
			t.Errorf("Decode(%q) = %d, true; want not a ticket", s, seq)
		}
	}
}

func TestKeySize(t *testing.T) {
	for _, n := range []int{0, 15, 17, 32} {
		if _, err := New(make([]byte, n)); err == nil {
			t.Errorf("New with a %d-byte key: no error", n)
		}
	}
	if k := NewKey(); len(k) != KeySize || bytes.Equal(k, make([]byte, KeySize)) {
		t.Errorf("NewKey() = %x", k)
	}
}

func TestRandom(t *testing.T) {
	for range 1000 {
		n, err := strconv.ParseUint(Random(), 10, 64)
		if err != nil || n < Min || n >= Min+Count {
			t.Fatalf("Random() = %d, %v", n, err)
		}
	}
}
