package operators

import (
	"strings"
	"testing"
)

func TestPassword(t *testing.T) {
	h := hashPassword("a long passphrase")
	if h2 := hashPassword("a long passphrase"); h2 == h {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	for _, c := range []struct {
		hash, pw string
		ok       bool
		err      bool
	}{
		{h, "a long passphrase", true, false},
		{h, "a long passphrasE", false, false},
		{h, "", false, false},
		{"$2a$10$bcrypt", "x", false, true},
		{strings.Replace(h, "m=19456", "m=99999999", 1), "a long passphrase", false, true},
		{strings.Replace(h, "v=19", "v=16", 1), "a long passphrase", false, true},
	} {
		ok, err := checkPassword(c.hash, c.pw)
		if ok != c.ok || (err != nil) != c.err {
			t.Errorf("check(%q, %q) = %v, %v; want %v, error %v", c.hash, c.pw, ok, err, c.ok, c.err)
		}
	}
}

func FuzzCheckPassword(f *testing.F) {
	f.Add(hashPassword("seed password"), "seed password")
	f.Add("$argon2id$v=19$m=1,t=1,p=1$$", "")
	f.Fuzz(func(t *testing.T, hash, pw string) {
		if len(hash) > 200 {
			return
		}
		_, _ = checkPassword(hash, pw) // never panics
	})
}
