package park

import "strconv"

// MinSecretLen is the shortest secret a partner or a sales channel that
// signs its calls may have: the signature is an MD5 or HMAC keyed with
// it, so a shorter one can be guessed and signatures forged with it.
const MinSecretLen = 16

// MaxSecretLen is the longest secret stored.
const MaxSecretLen = 256

// CheckSecretLen refuses (EInvalid, naming field) a signing secret that
// is missing (reason required) or shorter than MinSecretLen or longer
// than MaxSecretLen (reason length), giving both bounds either way so one
// refusal says what is taken.
func CheckSecretLen(field, secret string) error {
	if secret == "" {
		// "must be 16 to 256 bytes, not 0" read as if an empty one were
		// merely short; none was sent.
		return Invalid(field, "is required: signatures are keyed with it (%d to %d bytes)", MinSecretLen, MaxSecretLen).
			Because(ReasonRequired)
	}
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
