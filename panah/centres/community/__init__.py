"""Community social-service bases (پایگاه خدمات اجتماعی): neighbourhoods, programmes,
sessions, participants and attendance, needs, and referrals to case work (issue 17)."""
