-- /shifts reads only the open shifts a volunteer may go to: online ones, and in-person ones in their
-- region (bot/store/shifts.py asks for each with a SELECT of its own). Each index holds the columns
-- the filters test, so a shift that doesn't match costs no read of its row, and past shifts, which
-- pile up, sit before the range that is read.
CREATE INDEX shift_open_online ON shift (status, starts_at, signup_deadline, org_id, kind)
    WHERE online_url IS NOT NULL;
CREATE INDEX shift_open_in_person ON shift (status, region, starts_at, signup_deadline, org_id, kind)
    WHERE online_url IS NULL;
