import { FunctionUrlAuthType, InvokeMode, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { EnvVar } from '../../shared/platform/config.js';
import { acknowledgeNag } from '../nag.js';

export interface ShopperLinksProps {
  /** The links function (unsubscribe); it gets a public Function URL. */
  readonly handler: LambdaFunction;
}

/**
 * The links in emails: a public Function URL (RFC 8058 POSTs carry no auth, by design — the
 * signed token is the authorisation) and the keyring secret that signs and verifies tokens.
 */
export class ShopperLinks extends Construct {
  readonly keyring: Secret;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ShopperLinksProps) {
    super(scope, id);
    // JSON {"kid":"k1","secret":"<64 random chars>"}; shared/platform/runtime/keyring.ts reads it.
    this.keyring = new Secret(this, 'TokenKeyring', {
      description: 'Engage link-signing keyring (HMAC-SHA256; rotate by adding a new kid, keep the old under "previous")',
      generateSecretString: { secretStringTemplate: JSON.stringify({ kid: 'k1' }), generateStringKey: 'secret', excludePunctuation: true, passwordLength: 64 },
    });
    acknowledgeNag(this.keyring, 'AwsSolutions-SMG4', 'Rotation is by key id: unsubscribe links must stay valid 400 days, so old keys are kept, not replaced');

    const fnUrl = props.handler.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.BUFFERED });
    this.url = fnUrl.url;
    props.handler.addEnvironment('POWERTOOLS_LOG_LEVEL', 'INFO');
  }

  /** Read access to the keyring plus the variable naming it. */
  grantKeyring(fn: LambdaFunction): void {
    this.keyring.grantRead(fn);
    fn.addEnvironment(EnvVar.keyringSecretId, this.keyring.secretArn);
  }

  /** Where links in mail point (configuration group `linkBase`). */
  pointLinksFrom(fn: LambdaFunction): void {
    fn.addEnvironment(EnvVar.publicBaseUrl, this.url);
  }
}

