package access

// ResealTOTP opens a second-factor secret sealed for userID under oldKey
// and seals it again under newKey (each a 32-byte key as Service.TOTPKey
// takes), for the rotation of the master key both derive from. It fails,
// with an Internal fault, if the secret does not open under oldKey.
func ResealTOTP(oldKey, newKey []byte, userID int64, sealed []byte) ([]byte, error) {
	secret, err := (&Service{TOTPKey: oldKey}).openTOTP(sealed, userID)
	if err != nil {
		return nil, err
	}
	return (&Service{TOTPKey: newKey}).sealTOTP(secret, userID)
}
