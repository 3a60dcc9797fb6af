/**
 * Which versions of a registry's storage ConfigMaps the controller knows hold content matching their
 * content-sha256 annotation: the resourceVersion its own write returned, or one it read whole and
 * compared. The informer watches storage ConfigMaps as metadata only (configmap-cache.ts), so the
 * integrity check cannot hash their content; but every change to an object changes its
 * resourceVersion, so a copy at a remembered version holds that same content. Any other version (an
 * edit by someone else, or every version after a restart, when nothing is remembered) is read by GET
 * and compared whole (docs/controller.md "Storage integrity").
 *
 * Keyed by the registry's uid, so a registry recreated under the same name starts with nothing
 * remembered; bounded by the storage ConfigMaps that exist (a name is forgotten when found missing
 * or drifted, a registry when its storage is deleted).
 */
export class VerifiedStorage {
  private readonly byRegistry = new Map<string, Map<string, string>>();

  remember(uid: string, name: string, resourceVersion: string | undefined): void {
    if (!uid || !resourceVersion) return;
    let names = this.byRegistry.get(uid);
    if (!names) this.byRegistry.set(uid, (names = new Map()));
    names.set(name, resourceVersion);
  }

  /** Whether this version of the ConfigMap was written or compared by this process. */
  verified(uid: string, name: string, resourceVersion: string | undefined): boolean {
    return resourceVersion !== undefined && this.byRegistry.get(uid)?.get(name) === resourceVersion;
  }

  forget(uid: string, name: string): void {
    const names = this.byRegistry.get(uid);
    names?.delete(name);
    if (names?.size === 0) this.byRegistry.delete(uid);
  }

  forgetRegistry(uid: string): void {
    this.byRegistry.delete(uid);
  }
}
