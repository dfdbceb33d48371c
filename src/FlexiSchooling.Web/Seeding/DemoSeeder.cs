using FlexiSchooling.Data;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Domain.Trusts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Seeding;

public sealed record DemoLogin(string Trust, string School, string Role, string Email);

/// <summary>
/// The demo trusts, seeded once on the owner connection: two fictional trusts whose five schools
/// follow the five source policies (the profile says which), a few hundred pupils per school with
/// registration groups and contacts, three academic years of calendar (<see cref="DemoCalendar"/>: the seed day's,
/// the one before and the one after), and one account per role per
/// school. Deterministic (fixed random seed), so screenshots and tests see the same data.
/// </summary>
public static class DemoSeeder
{
    public const string DemoPassword = "flexi-demo-2026-walnut";
    public const string EmailDomain = "demo.flexischooling.example";

    private sealed record SchoolSpec(string Name, string Slug, string Urn, string La, SchoolPhase Phase, KeyStages Stages, int FirstYear, int LastYear, int PerYear, string? OverrideTemplate);

    /// <summary>
    /// How each demo authority wants to be told (domain.md, "Local authorities"): Leicestershire's online form at once
    /// (003: "notified to the Local Authority using this link"), Derby's within two weeks, emailed plans, and Norfolk's
    /// half-termly returns.
    /// </summary>
    private static readonly Dictionary<string, (string Name, string Code, LocalAuthorityNotice Notice, string Address, int Days, string Team)> Authorities = new()
    {
        ["Derbyshire"] = ("Derbyshire County Council", "830", LocalAuthorityNotice.EmailedPlan, "attendance.support@derbyshire.council.example", 5, "Education welfare and attendance team"),
        ["Derby"] = ("Derby City Council", "831", LocalAuthorityNotice.OnlineForm, "https://forms.derby.council.example/part-time-and-flexi-arrangements", 14, "Inclusion and attendance team"),
        ["Leicestershire"] = ("Leicestershire County Council", "855", LocalAuthorityNotice.OnlineForm, "https://forms.leicestershire.council.example/reduced-timetables", 0, "Children missing education and part-time timetables team"),
        ["Norfolk"] = ("Norfolk County Council", "926", LocalAuthorityNotice.HalfTermlyReturn, "inclusion.returns@norfolk.council.example", 10, "Inclusion and opportunity team"),
        ["Central Bedfordshire"] = ("Central Bedfordshire Council", "823", LocalAuthorityNotice.EmailedPlan, "access.inclusion@centralbedfordshire.council.example", 2, "Access and inclusion team"),
    };

    private sealed record TrustSpec(string Name, string Slug, string DefaultTemplate, SchoolSpec[] Schools);

    private static readonly TrustSpec[] Trusts =
    [
        new("Northfield Learning Trust", "northfield", PolicyTemplates.Ddat,
        [
            new("Ashby Lane Primary School", "ashby", "140101", "Derbyshire", SchoolPhase.Primary, KeyStages.EarlyYears | KeyStages.KS1 | KeyStages.KS2, 0, 6, 30, null),
            new("Brookside Primary School", "brookside", "140102", "Derby", SchoolPhase.Primary, KeyStages.EarlyYears | KeyStages.KS1 | KeyStages.KS2, 0, 6, 28, PolicyTemplates.OswaldRoad),
            new("Castle Hill Academy", "castlehill", "140103", "Leicestershire", SchoolPhase.Secondary, KeyStages.KS3 | KeyStages.KS4, 7, 11, 50, PolicyTemplates.Hinckley),
        ]),
        new("St Aidan's Catholic Multi-Academy Trust", "staidans", PolicyTemplates.OurLadyOfLourdes,
        [
            new("St Bede's Catholic Primary School", "stbedes", "140201", "Norfolk", SchoolPhase.Primary, KeyStages.EarlyYears | KeyStages.KS1 | KeyStages.KS2, 0, 6, 30, null),
            new("Millbrook Community School", "millbrook", "140202", "Central Bedfordshire", SchoolPhase.Secondary, KeyStages.KS3 | KeyStages.KS4, 7, 11, 50, PolicyTemplates.Emet),
        ]),
    ];

    private static readonly StaffRole[] SchoolRoles =
    [
        StaffRole.Headteacher, StaffRole.DesignatedSafeguardingLead, StaffRole.AttendanceOfficer, StaffRole.AlternativeProvisionLeader,
        StaffRole.Senco, StaffRole.Teacher, StaffRole.Governor,
    ];

    private static readonly string[] Forenames =
    [
        "Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Freya", "Arthur", "Lily", "Leo", "Ivy", "Harry", "Florence", "Oscar", "Willow", "Theo",
        "Rosie", "Jack", "Sophia", "Charlie", "Evie", "Finley", "Poppy", "Alfie", "Grace", "Thomas", "Ella", "Henry", "Mia", "Jacob", "Aisha", "Mohammed",
        "Zara", "Yusuf", "Priya", "Arjun", "Maya", "Ibrahim", "Hana", "Kacper", "Zofia", "Tobias", "Olivia", "Reuben", "Esme", "Ezra", "Matilda", "Rory",
        "Nia", "Kai", "Eliza", "Jude", "Phoebe", "Milo", "Ruby", "Louis", "Harper", "Elijah", "Darcy", "Ronan",
    ];

    private static readonly string[] Surnames =
    [
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright", "Thompson", "Evans", "Walker",
        "White", "Roberts", "Green", "Hall", "Thomas", "Clarke", "Jackson", "Wood", "Harris", "Edwards", "Turner", "Martin", "Cooper", "Hill", "Ward",
        "Hughes", "Moore", "Clark", "King", "Harrison", "Lewis", "Baker", "Lee", "Allen", "Morris", "Khan", "Scott", "Watson", "Davis", "Parker",
        "James", "Bennett", "Young", "Phillips", "Richardson", "Mitchell", "Bailey", "Carter", "Cook", "Singh", "Shaw", "Bell", "Collins", "Morgan",
        "Kelly", "Begum", "Nowak", "Kowalski", "Okafor", "Mensah", "Ahmed", "Hussain", "Ali", "Chen", "Nguyen", "Murphy",
    ];

    private static readonly string[] ParentForenames = ["Sarah", "James", "Emma", "David", "Laura", "Mark", "Rachel", "Paul", "Nadia", "Tariq", "Joanne", "Chris", "Fatima", "Agnieszka", "Gareth", "Helen"];

    /// <summary>
    /// Seeds the demo once. <paramref name="withRunningCase"/> adds <see cref="DemoRunningCase"/>, whose documents need
    /// the web host's templates: the application's start-up asks for it; the tests' template database, seeded
    /// without the host, does not.
    /// </summary>
    public static async Task<IReadOnlyList<DemoLogin>> SeedAsync(IServiceProvider services, bool withRunningCase = false)
    {
        var systemDb = services.GetRequiredService<SystemDb>();
        var time = services.GetRequiredService<TimeProvider>();
        await using var db = systemDb.Create();
        var logins = Logins();
        if (await db.Trusts.AnyAsync())
        {
            return logins;
        }

        await using var transaction = await db.Database.BeginTransactionAsync();
        var random = new Random(2026);
        var hasher = new PasswordHasher<AppUser>();
        var passwordHash = hasher.HashPassword(new AppUser(), DemoPassword);
        var upnSerial = 100000;
        var now = time.GetUtcNow();
        var dates = new DemoCalendar(LondonClock.Today(time));

        foreach (var spec in Trusts)
        {
            var trust = new Trust(spec.Name);
            db.Trusts.Add(trust);
            var template = PolicyTemplates.Get(spec.DefaultTemplate);
            db.PolicyProfileVersions.Add(WithTrust(new PolicyProfileVersion(null, 1, template.Key, template.SourcePolicy, template.Settings,
                dates.On(2025, 7, 10), "Trust board", dates.On(2025, 9, 1), dates.On(2026, 7, 10), "Adopted from the template."), trust.Id));

            AddUser(db, trust.Id, null, StaffRole.TrustLead, $"trustlead@{spec.Slug}.{EmailDomain}", "Jane Trust-Lead", passwordHash, now);
            AddUser(db, trust.Id, null, StaffRole.TrustAdmin, $"trustadmin@{spec.Slug}.{EmailDomain}", "Tom Trust-Admin", passwordHash, now);

            var authorities = new Dictionary<string, LocalAuthority>();
            foreach (var la in spec.Schools.Select(s => s.La).Distinct())
            {
                var (laName, code, notice, address, days, team) = Authorities[la];
                db.LocalAuthorities.Add(authorities[la] = new LocalAuthority(trust.Id, laName, code, notice, address, days, team));
            }

            foreach (var s in spec.Schools)
            {
                var school = new School(trust.Id, s.Name, s.Urn, authorities[s.La].Id, s.Phase, s.Stages);
                school.SetLetterhead($"{random.Next(1, 120)} {Surnames[random.Next(Surnames.Length)]} Road", null, s.La.Split(' ')[^1], $"DE{random.Next(1, 75)} {random.Next(1, 9)}AB", $"01332 {random.Next(100000, 999999)}", $"office@{s.Slug}.{EmailDomain}", $"Mrs {Surnames[random.Next(Surnames.Length)]}");
                // Every demo school keeps a few reasons behind codes, as most schools' MIS set-ups do.
                school.SetAttendanceSubReasons("C: Performance licence\nC: Exceptional circumstances agreed by the head\nM: Hospital or dental appointment\nB: Work experience\nB: Educational visit");
                db.Schools.Add(school);
                if (s.OverrideTemplate is { } key)
                {
                    var own = PolicyTemplates.Get(key);
                    db.PolicyProfileVersions.Add(WithTrust(new PolicyProfileVersion(school.Id, 1, own.Key, own.SourcePolicy, own.Settings,
                        dates.On(2025, 7, 14), "Local governing body", dates.On(2025, 9, 1), dates.On(2026, 7, 14), "School policy differs from the trust's."), trust.Id));
                }

                SeedCalendar(db, dates, trust.Id, school.Id);
                foreach (var role in SchoolRoles)
                {
                    AddUser(db, trust.Id, school.Id, role, $"{RoleSlug(role)}@{s.Slug}.{EmailDomain}", $"{ParentForenames[random.Next(ParentForenames.Length)]} {Surnames[random.Next(Surnames.Length)]}", passwordHash, now);
                }

                // One person with roles at two schools, so the school switcher has something to switch.
                if (s.Slug == "brookside")
                {
                    var senco = db.ChangeTracker.Entries<AppUser>().Single(e => e.Entity.Email == $"senco@ashby.{EmailDomain}").Entity;
                    // The SENCO works across both schools (a shared SENCO is common in a trust's primaries).
                    db.RoleAssignments.Add(WithTrust(new RoleAssignment(senco.Id, StaffRole.Senco, school.Id), trust.Id));
                }

                var tutor = db.ChangeTracker.Entries<AppUser>().Single(e => e.Entity.Email == $"teacher@{s.Slug}.{EmailDomain}").Entity;
                for (var year = s.FirstYear; year <= s.LastYear; year++)
                {
                    var forms = s.Phase == SchoolPhase.Secondary ? new[] { "Elm", "Oak" } : ["A", "B"];
                    var groups = forms.Select(f => WithTrust(new RegistrationGroup(school.Id, s.Phase == SchoolPhase.Secondary ? $"{year} {f}" : $"{YearGroups.Label(year)} {f}", year), trust.Id)).ToList();
                    if (year == s.FirstYear + 1)
                    {
                        groups[0].AssignTutor(tutor.Id); // the demo teacher takes this group's register
                    }

                    db.RegistrationGroups.AddRange(groups);
                    for (var i = 0; i < s.PerYear; i++)
                    {
                        var pupil = NewPupil(random, dates, school.Id, year, ref upnSerial);
                        pupil.StampTrust(trust.Id);
                        pupil.PlaceInGroup(groups[i % groups.Count], year);
                        var parentSurname = random.Next(10) < 8 ? pupil.LegalSurname : Surnames[random.Next(Surnames.Length)];
                        pupil.AddContact($"{ParentForenames[random.Next(ParentForenames.Length)]} {parentSurname}", random.Next(2) == 0 ? "Mother" : "Father", true, $"parent{upnSerial}@example.org", $"07700 9{random.Next(10000, 99999)}").StampTrust(trust.Id);
                        if (random.Next(3) == 0)
                        {
                            pupil.AddContact($"{ParentForenames[random.Next(ParentForenames.Length)]} {pupil.LegalSurname}", "Grandparent", false, null, $"07700 9{random.Next(10000, 99999)}").StampTrust(trust.Id);
                        }

                        db.Pupils.Add(pupil);
                    }
                }
            }
        }

        await db.SaveChangesAsync();
        await DemoFlexi.SeedAsync(db, time);
        await using (var scope = services.CreateAsyncScope())
        {
            // The plans' PDFs need the web host's templates, as the running flexi case's documents do.
            await DemoPartTime.SeedAsync(db, withRunningCase ? scope.ServiceProvider.GetRequiredService<Documents.DocumentRenderer>() : null, time);
            await DemoReturns.SeedAsync(db, time);
            await DemoProviders.SeedAsync(db, time);
            await DemoPlacements.SeedAsync(db, withRunningCase ? scope.ServiceProvider.GetRequiredService<Documents.DocumentRenderer>() : null, time);
        }

        var running = withRunningCase ? await DemoRunningCase.SeedAsync(db, services, time) : null;
        await DemoAttendance.SeedMarksAsync(db, time, random, running?.Planned);
        if (running is not null)
        {
            await DemoRunningCase.RaiseFormalReviewAsync(db, running);
        }

        await transaction.CommitAsync();
        await Data.Attendance.AttendanceSummaries.RebuildAllAsync(db);
        return logins;
    }

    private static T WithTrust<T>(T entity, Guid trustId)
        where T : FlexiSchooling.Domain.Tenancy.ITrustStampable
    {
        entity.StampTrust(trustId);
        return entity;
    }

    private static Pupil NewPupil(Random random, DemoCalendar dates, Guid schoolId, int year, ref int serial)
    {
        serial++;
        // Born in the academic year that puts them in this year group; joined at Reception or Year 7 (this year's intake
        // on the autumn term's second day).
        var thisYear = dates.Year.StartYear;
        var twelve = $"8{serial % 1000:000}{thisYear % 100:00}{serial:000000}"[..12];
        var dob = new DateOnly(thisYear - year - 5, 9, 1).AddDays(random.Next(0, 365));
        var admitted = year is 0 or 7 ? dates.On(2026, 9, 2) : new DateOnly(thisYear - year + (year >= 7 ? 7 : 0), 9, 3);
        var pupil = new Pupil(schoolId, Upns.Create(twelve), Forenames[random.Next(Forenames.Length)], Surnames[random.Next(Surnames.Length)], dob, year, admitted);
        if (random.Next(15) == 0)
        {
            pupil.Rename(pupil.LegalForename, pupil.LegalSurname, Forenames[random.Next(Forenames.Length)], null);
        }

        // Roughly national proportions (DfE SEN and census statistics): EHCP ~4%, SEN support ~13%,
        // FSM ~24%, looked after ~1%, CP/CIN plans a few percent.
        var ehcp = random.NextDouble() < 0.04;
        var lac = random.NextDouble() < 0.01;
        var cp = random.NextDouble() < 0.01;
        var cin = !cp && random.NextDouble() < 0.02;
        var fsm = random.NextDouble() < 0.24;
        pupil.SetFlags(new PupilFlags(
            Ehcp: ehcp,
            LookedAfter: lac,
            HasSocialWorker: lac || cp || cin || random.NextDouble() < 0.01,
            ChildProtectionPlan: cp,
            ChildInNeedPlan: cin,
            SenSupport: !ehcp && random.NextDouble() < 0.13,
            FreeSchoolMeals: fsm,
            PupilPremium: fsm || lac || random.NextDouble() < 0.04));
        return pupil;
    }

    private static void SeedCalendar(AppDbContext db, DemoCalendar dates, Guid trustId, Guid schoolId)
    {
        foreach (var t in dates.Terms())
        {
            db.Terms.Add(WithTrust(new Term(schoolId, t.Name, t.Start, t.End, t.HalfTermStart, t.HalfTermEnd), trustId));
        }

        foreach (var date in dates.InsetDays())
        {
            db.ClosureDays.Add(WithTrust(new ClosureDay(schoolId, date, ClosureKind.Inset, "INSET day"), trustId));
        }
    }

    private static void AddUser(AppDbContext db, Guid trustId, Guid? schoolId, StaffRole role, string email, string name, string passwordHash, DateTimeOffset now)
    {
        var user = new AppUser
        {
            Id = Ids.New(),
            TrustId = trustId,
            UserName = email,
            NormalizedUserName = email.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            EmailConfirmed = true,
            DisplayName = name,
            PasswordHash = passwordHash,
            SecurityStamp = Guid.NewGuid().ToString("N"),
            ConcurrencyStamp = Guid.NewGuid().ToString(),
            LockoutEnabled = true,
            CreatedAt = now,
        };
        db.Users.Add(user);
        db.RoleAssignments.Add(WithTrust(new RoleAssignment(user.Id, role, schoolId), trustId));
    }

    private static string RoleSlug(StaffRole role) => role switch
    {
        StaffRole.TrustLead => "trustlead",
        StaffRole.TrustAdmin => "trustadmin",
        StaffRole.Headteacher => "head",
        StaffRole.DesignatedSafeguardingLead => "dsl",
        StaffRole.AttendanceOfficer => "attendance",
        StaffRole.AlternativeProvisionLeader => "apleader",
        StaffRole.Senco => "senco",
        StaffRole.Teacher => "teacher",
        StaffRole.Governor => "governor",
    };

    public static IReadOnlyList<DemoLogin> Logins() =>
    [
        .. Trusts.SelectMany(t =>
            new[] { new DemoLogin(t.Name, "(all schools)", RolePermissions.Label(StaffRole.TrustLead), $"trustlead@{t.Slug}.{EmailDomain}"),
                    new DemoLogin(t.Name, "(all schools)", RolePermissions.Label(StaffRole.TrustAdmin), $"trustadmin@{t.Slug}.{EmailDomain}") }
            .Concat(t.Schools.SelectMany(s => SchoolRoles.Select(r => new DemoLogin(t.Name, s.Name, RolePermissions.Label(r), $"{RoleSlug(r)}@{s.Slug}.{EmailDomain}"))))),
    ];

    public static string SchoolSlugOf(string email) => email.Split('@')[1].Split('.')[0];

    public static void PrintLogins(IReadOnlyList<DemoLogin> logins, bool twoFactorRequired)
    {
        Console.WriteLine();
        Console.WriteLine($"Demo logins (password for every account: {DemoPassword})");
        foreach (var trust in logins.GroupBy(l => l.Trust))
        {
            Console.WriteLine($"  {trust.Key}");
            foreach (var school in trust.GroupBy(l => l.School))
            {
                Console.WriteLine($"    {school.Key}");
                foreach (var login in school)
                {
                    Console.WriteLine($"      {login.Role,-30} {login.Email}");
                }
            }
        }

        Console.WriteLine($"  (senco@ashby.{EmailDomain} is also the SENCO at Brookside Primary School: use the school switcher.)");
        Console.WriteLine(twoFactorRequired
            ? "Two-factor authentication is required: each account sets up an authenticator app at first sign-in."
            : "Two-factor authentication is turned OFF for this local demo (Security:RequireTwoFactor=false); every page says so.");
        Console.WriteLine();
    }
}
