import { Session } from 'chdb';
const E = '/work/wt-identity/scratch/enc';
process.env.CUSTOS_CHDB_KEY_0 = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
process.env.CUSTOS_CHDB_KEY_1 = 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100';
try {
const s = new Session(E + '/data', { connectionArgs: ['--config-file=' + process.argv[2]] });
console.log(s.query("SELECT name, type, path FROM system.disks", 'TSV'));
console.log(s.query("SELECT policy_name, disks FROM system.storage_policies", 'TSV'));
} catch (e) { console.log('ERR', e.message, e.cause?.message); }
