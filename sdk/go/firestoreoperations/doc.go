// Firestore admin long-running operations (export, import, bulk delete, adopted operations) as Pulumi resources: destroy and replace cancel the operation and wait until it is really over.
package firestoreoperations
