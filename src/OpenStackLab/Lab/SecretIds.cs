using System.Collections.Generic;
using System.Linq;

namespace OpenStackLab.Lab;

/// <summary>
/// The stable ids of a lab's secrets. Chapters reference them as placeholders
/// <c>{{secret:&lt;id&gt;}}</c> (the plan engine's convention), resolved only at run time.
/// </summary>
public static class SecretIds
{
    // Keystone users (the document: qwer1234 for all of them)
    /// <summary>The bootstrap admin user (keystone-manage bootstrap --bootstrap-password, ~/admin_key).</summary>
    public const string KeystoneAdmin = "keystone_admin";
    public const string GlanceUser = "glance_user";
    public const string NovaUser = "nova_user";
    public const string PlacementUser = "placement_user";
    public const string NeutronUser = "neutron_user";
    public const string CinderUser = "cinder_user";
    public const string SwiftUser = "swift_user";
    public const string HeatUser = "heat_user";
    /// <summary>heat_domain_admin in domain heat (heat.conf stack_domain_admin_password).</summary>
    public const string HeatDomainAdmin = "heat_domain_admin";
    /// <summary>A demo user for verification.</summary>
    public const string DemoUser = "demo_user";
    /// <summary>swiftuser01 of project swiftservice (the Swift chapter's ~/swift).</summary>
    public const string SwiftDemoUser = "swiftuser01_user";

    // MariaDB users, one per service database
    public const string KeystoneDb = "keystone_db";
    public const string GlanceDb = "glance_db";
    public const string NovaDb = "nova_db";
    public const string PlacementDb = "placement_db";
    public const string NeutronDb = "neutron_db";
    public const string CinderDb = "cinder_db";
    public const string HeatDb = "heat_db";
    /// <summary>The MariaDB root password (the document sets it interactively in mysql_secure_installation).</summary>
    public const string MariaDbRoot = "mariadb_root";

    /// <summary>The RabbitMQ user `openstack`.</summary>
    public const string RabbitOpenStack = "rabbit_openstack";

    // Keys (not passwords: the document's shared password never applies to them)
    /// <summary>metadata_proxy_shared_secret (nova.conf [neutron], metadata_agent.ini).</summary>
    public const string MetadataSecret = "metadata_secret";
    /// <summary>swift.conf [swift-hash] swift_hash_path_prefix.</summary>
    public const string SwiftHashPrefix = "swift_hash_prefix";
    /// <summary>swift.conf [swift-hash] swift_hash_path_suffix.</summary>
    public const string SwiftHashSuffix = "swift_hash_suffix";
    /// <summary>heat.conf [DEFAULT] auth_encryption_key: encrypts the credentials Heat keeps in its database (32 characters).</summary>
    public const string HeatAuthEncryptionKey = "heat_auth_encryption_key";

    /// <summary>Every id New-OsLab generates, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } = new[]
    {
        KeystoneAdmin, GlanceUser, NovaUser, PlacementUser, NeutronUser, CinderUser, SwiftUser, HeatUser,
        HeatDomainAdmin, DemoUser, SwiftDemoUser,
        KeystoneDb, GlanceDb, NovaDb, PlacementDb, NeutronDb, CinderDb, HeatDb, MariaDbRoot,
        RabbitOpenStack,
        MetadataSecret, SwiftHashPrefix, SwiftHashSuffix, HeatAuthEncryptionKey,
    };

    /// <summary>The ids that are passwords: the ones a single shared password (-SharedPassword) replaces.</summary>
    public static IReadOnlyList<string> Passwords { get; } =
        All.Where(id => id is not (MetadataSecret or SwiftHashPrefix or SwiftHashSuffix or HeatAuthEncryptionKey)).ToArray();

    /// <summary>The placeholder a chapter writes where the secret goes: {{secret:id}}.</summary>
    public static string Placeholder(string id) => "{{secret:" + id + "}}";

    /// <summary>Whether <paramref name="id"/> has the shape of a secret id (lowercase letters, digits, underscores).</summary>
    public static bool IsValidId(string? id) =>
        !string.IsNullOrEmpty(id) && id!.Length <= 64 && id.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_');
}
