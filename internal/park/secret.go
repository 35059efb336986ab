package park

import "strconv"

// MinSecretLen is the shortest secret a partner or a sales channel that
// signs its calls may have: the signature is an MD5 or HMAC keyed with
// it, so a shorter one can be guessed and signatures forged with it.
const MinSecretLen = 16

// MaxSecretLen is the longest secret stored.
const MaxSecretLen = 256

// CheckSecretLen refuses (EInvalid, naming field, reason length) a
// signing secret shorter than MinSecretLen or longer than MaxSecretLen,
// giving both bounds either way so one refusal says what is taken.
func CheckSecretLen(field, secret string) error {
	if n := len(secret); n < MinSecretLen || n > MaxSecretLen {
		why := "a shorter one can be guessed"
		if n > MaxSecretLen {
			why = "a longer one is not stored"
		}
		return Invalid(field, "must be %d to %d bytes, not %d (%s)", MinSecretLen, MaxSecretLen, n, why).
			Because(ReasonLength, strconv.Itoa(MinSecretLen), strconv.Itoa(MaxSecretLen))
	}
	return nil
}
