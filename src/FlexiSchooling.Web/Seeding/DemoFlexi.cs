using System.Globalization;
using System.Text;
using FlexiSchooling.Data;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Flexi;
using FlexiSchooling.Domain.Policy;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Seeding;

/// <summary>
/// A flexi-schooling request at every demo school — waiting for its meeting, or at three schools met and
/// waiting for the head's decision — each with the parent's letter as a small PDF.
/// </summary>
public static class DemoFlexi
{
    public static async Task SeedAsync(AppDbContext db, TimeProvider time)
    {
        var today = LondonClock.Today(time);
        var now = time.GetUtcNow();
        var holidays = await db.BankHolidays.Select(b => b.Date).ToListAsync();
        var versions = await db.PolicyProfileVersions.AsNoTracking().ToListAsync();
        var schools = await db.Schools.AsNoTracking().OrderBy(s => s.Name).ToListAsync();
        foreach (var (school, index) in schools.Select((s, i) => (s, i)))
        {
            var pupil = await db.Pupils.AsNoTracking().Include(p => p.Contacts)
                .Where(p => p.SchoolId == school.Id && !p.Flags.Ehcp && p.YearGroup >= 2 && p.YearGroup <= 8)
                .OrderBy(p => p.Upn).FirstAsync();
            var parent = pupil.Contacts.First(c => c.HasParentalResponsibility);
            var calendar = new SchoolCalendar(await db.Terms.AsNoTracking().Where(t => t.SchoolId == school.Id).ToListAsync(), [], holidays);
            var requestedOn = SchoolDaysBefore(calendar, today, 12);
            var (arrangement, recorded) = Arrangement.RequestFlexi(school.Id, pupil.Id, requestedOn, parent.Name, parent.Relationship,
                "Two days a week at home (Mondays and Fridays) for music and outdoor learning, the rest at school.", null, now);
            arrangement.StampTrust(school.TrustId);
            recorded.StampTrust(school.TrustId);
            db.Arrangements.Add(arrangement);
            db.ArrangementEvents.Add(recorded);
            var letter = new CaseDocument(school.Id, arrangement.Id, CaseDocumentKind.RequestLetter, $"Letter from {parent.Name}.pdf", "application/pdf",
                MinimalPdf([$"Dear Headteacher,", $"I would like to request flexi-schooling for {pupil.DisplayName}.", "Two days a week at home, Mondays and Fridays.", $"Yours faithfully, {parent.Name}"]), null, now);
            letter.StampTrust(school.TrustId);
            db.CaseDocuments.Add(letter);

            if (MetAt.Any(name => school.Name.StartsWith(name, StringComparison.Ordinal)))
            {
                var meetingOn = SchoolDaysBefore(calendar, today, 4);
                var settings = PolicyProfileVersion.InForce(versions.Where(v => v.TrustId == school.TrustId).ToList(), school.Id, meetingOn).Settings.Flexi;
                db.ArrangementEvents.Add(Stamp(arrangement.RecordMeeting(meetingOn, $"{parent.Name} ({parent.Relationship.ToLowerInvariant()}), {school.HeadteacherName} (headteacher)",
                    "Discussed the pattern of days, the home curriculum (music, maths and outdoor learning) and how work will be shared with the class teacher.",
                    FlexiRules.DecisionDueBy(calendar, meetingOn, settings), today, null, now), school.TrustId));
            }
        }

        await db.SaveChangesAsync();
    }

    /// <summary>Schools whose demo request has had its meeting: a deadline-free (DDAT), a five-working-day (Oswald Road) and an EMET school.</summary>
    private static readonly string[] MetAt = ["Ashby", "Brookside", "Millbrook"];

    /// <summary>The school day <paramref name="days"/> school days before <paramref name="date"/>.</summary>
    internal static DateOnly SchoolDaysBefore(SchoolCalendar calendar, DateOnly date, int days)
    {
        var day = date;
        for (var counted = 0; counted < days;)
        {
            day = day.AddDays(-1);
            counted += calendar.IsSchoolDay(day) ? 1 : 0;
        }

        return day;
    }

    private static ArrangementEvent Stamp(ArrangementEvent e, Guid trustId)
    {
        e.StampTrust(trustId);
        return e;
    }

    /// <summary>A one-page PDF of plain text lines, standing in for a scanned parent's letter.</summary>
    public static byte[] MinimalPdf(IReadOnlyList<string> lines)
    {
        var text = new StringBuilder("BT /F1 12 Tf 72 760 Td 16 TL\n");
        foreach (var line in lines)
        {
            text.Append(CultureInfo.InvariantCulture, $"({line.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("(", "\\(", StringComparison.Ordinal).Replace(")", "\\)", StringComparison.Ordinal)}) Tj T*\n");
        }

        text.Append("ET");
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            $"<< /Length {Encoding.Latin1.GetByteCount(text.ToString())} >>\nstream\n{text}\nendstream",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.Latin1.GetByteCount(pdf.ToString()));
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = Encoding.Latin1.GetByteCount(pdf.ToString());
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.Latin1.GetBytes(pdf.ToString());
    }
}
