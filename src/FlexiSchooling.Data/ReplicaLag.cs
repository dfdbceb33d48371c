using Npgsql;
using NpgsqlTypes;

namespace FlexiSchooling.Data;

/// <summary>
/// How far the read replica is behind its primary, measured by the application itself (issue 15, ADR 0048). Each
/// measurement notes the primary's WAL position with the moment before it was read, then asks the "Read" connection how
/// far it has replayed: a replica that has replayed a noted position holds everything the primary had written at that
/// moment, so it is behind by at most the time since the latest note it has replayed past — nothing when it has replayed
/// all the primary has written, and otherwise up to one interval between measurements more than it really is.
/// Beyond <see cref="MaxLag"/> the read-heavy pages read the primary (<see cref="ReadDb"/>): a replica that stopped
/// replaying still answers reads — one lost for good when it missed WAL its primary had removed, say (docs/performance.md,
/// thirty-seventh session) — and the dashboard would otherwise show figures as old as its stop, with nothing to say so.
/// Time is the <see cref="TimeProvider"/>'s monotonic timestamp, not its clock: a lag is an elapsed time.
/// </summary>
public sealed class ReplicaLag(string? primaryConnectionString, string? readConnectionString, TimeProvider time, TimeSpan maxLag)
{
    /// <summary>Beyond this the read-heavy pages read the primary, unless "Replica:MaxLag" says otherwise.</summary>
    public static readonly TimeSpan DefaultMaxLag = TimeSpan.FromSeconds(30);

    /// <summary>Notes kept while the replica is behind: at one a measurement, five seconds apart, over two hours.</summary>
    public const int MostNotes = 1500;

    private readonly LinkedList<Note> notes = new(); // oldest first
    private volatile ReplicaMeasurement? last;

    /// <summary>Beyond this the read-heavy pages read the primary ("Replica:MaxLag", 30 s unless set).</summary>
    public TimeSpan MaxLag { get; } = maxLag;

    /// <summary>Whether there is a read connection of its own to measure.</summary>
    public bool Measured => readConnectionString is not null;

    /// <summary>The latest measurement; none before the first.</summary>
    public ReplicaMeasurement? Last => last;

    /// <summary>
    /// Whether the latest measurement found the replica behind by more than <see cref="MaxLag"/>. Before the first, or with
    /// no replica, false: reads go where the "Read" string sends them.
    /// </summary>
    public bool TooFarBehind => last is { } m && m.Behind > MaxLag;

    /// <summary>One measurement (<see cref="ReplicaLag"/>); the replica job runs it every few seconds.</summary>
    public async Task<ReplicaMeasurement?> MeasureAsync(CancellationToken cancellationToken = default)
    {
        if (primaryConnectionString is null || readConnectionString is null)
        {
            return null;
        }

        var before = time.GetTimestamp();
        NpgsqlLogSequenceNumber position;
        await using (var primary = new NpgsqlConnection(primaryConnectionString))
        {
            await primary.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_current_wal_lsn()", primary);
            position = (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        bool standby;
        NpgsqlLogSequenceNumber? replayed;
        await using (var read = new NpgsqlConnection(readConnectionString))
        {
            await read.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()", read);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            standby = reader.GetBoolean(0);
            replayed = reader.IsDBNull(1) ? null : reader.GetFieldValue<NpgsqlLogSequenceNumber>(1);
        }

        // A standby that has replayed nothing since it started answers no position: behind everything noted.
        return Record(new Note(before, position), standby ? replayed ?? new NpgsqlLogSequenceNumber(0) : null, time.GetTimestamp());
    }

    /// <summary>
    /// The arithmetic of a measurement: <paramref name="note"/> the primary's position and the timestamp before it was
    /// read; <paramref name="replayed"/> the replica's replayed position, or none when the "Read" string reached the
    /// primary itself (the replica down: Npgsql's multi-host string falls back to the primary, which is never behind).
    /// </summary>
    internal ReplicaMeasurement Record(Note note, NpgsqlLogSequenceNumber? replayed, long now)
    {
        lock (notes)
        {
            return last = Measure(note, replayed, now);
        }
    }

    private ReplicaMeasurement Measure(Note note, NpgsqlLogSequenceNumber? replayed, long now)
    {
        notes.AddLast(note);
        if (replayed is not { } at || at >= note.Position)
        {
            // Everything the primary had written before this measurement is replayed: no earlier note is needed again.
            while (notes.Count > 1)
            {
                notes.RemoveFirst();
            }

            return new ReplicaMeasurement(TimeSpan.Zero, replayed is not null, false);
        }

        // The latest note the replica has replayed past; the notes before it are not needed again (replay only moves on).
        var reached = notes.Last;
        while (reached is not null && reached.Value.Position > at)
        {
            reached = reached.Previous;
        }

        if (reached is not null)
        {
            while (notes.First != reached)
            {
                notes.RemoveFirst();
            }
        }

        while (notes.Count > MostNotes)
        {
            notes.RemoveFirst();
        }

        // With no note it has replayed past, it is behind by at least the oldest note's age (the notes began after it stopped,
        // or it has been behind for longer than they are kept).
        var since = reached?.Value.Timestamp ?? notes.First!.Value.Timestamp;
        return new ReplicaMeasurement(time.GetElapsedTime(since, now), true, reached is null);
    }

    /// <summary>The primary's WAL position and the timestamp just before it was read.</summary>
    internal readonly record struct Note(long Timestamp, NpgsqlLogSequenceNumber Position);
}

/// <param name="Behind">How far behind the primary the replica is, at most (or at least, when <paramref name="AtLeast"/>).</param>
/// <param name="OnStandby">Whether the "Read" string reached a standby (false: the primary, standing in for a replica that is down).</param>
/// <param name="AtLeast">The replica has replayed none of the positions noted: it is behind by at least <paramref name="Behind"/>.</param>
public sealed record ReplicaMeasurement(TimeSpan Behind, bool OnStandby, bool AtLeast);
