using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("FlexiSchooling.IntegrationTests.Infrastructure.WaitingTestsFirst", "FlexiSchooling.IntegrationTests")]

// Four collections at once rather than one a core: the two that mostly wait (below) and two that use the cores.
[assembly: CollectionBehavior(MaxParallelThreads = 4)]

namespace FlexiSchooling.IntegrationTests.Infrastructure;

/// <summary>
/// The tests that spend their time waiting on other programs' clocks — a lost database machine's timeouts, Patroni's
/// lock and looks, etcd's keys — rather than on the two cores: <see cref="PrimaryFailoverTests"/> and
/// <see cref="PatroniStoreTests"/>. Run last (where the default order happened to put them), they were the suite's last
/// minutes with the other thread idle; started first, the rest of the suite runs beside them. They were one class, one
/// lane of about 450 s beside the rest's 440 on two threads; as two collections on threads of their own (four at once),
/// they wait at the same time while two lanes use the cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class WaitingTests
{
    public const string Name = "Tests that mostly wait: a database machine lost";

    public const string Store = "Tests that mostly wait: Patroni's store";
}

/// <summary>The second collection that mostly waits (<see cref="PatroniStoreTests"/>), beside <see cref="WaitingTests"/>.</summary>
[CollectionDefinition(WaitingTests.Store)]
public sealed class WaitingTestsOnPatronisStore
{
}

/// <summary>
/// xunit's order of the test collections with the two that mostly wait (<see cref="WaitingTests"/>) moved to the front;
/// the rest keep the default order (xunit starts the collections in this order, as many at a time as
/// <c>MaxParallelThreads</c> above).
/// </summary>
public sealed class WaitingTestsFirst : ITestCollectionOrderer
{
    private readonly DefaultTestCollectionOrderer _default = new();

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections)
    {
        var ordered = _default.OrderTestCollections(testCollections).ToList();
        static bool Waits(ITestCollection c) => c.DisplayName is WaitingTests.Name or WaitingTests.Store;
        return [.. ordered.Where(Waits), .. ordered.Where(c => !Waits(c))];
    }
}
